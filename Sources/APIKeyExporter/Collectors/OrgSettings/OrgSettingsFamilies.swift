/// The organization security settings, one series per org and setting the API reported.
enum OrgSettingsFamilies {
    static func all(_ scope: RenderScope) -> [MetricFamily] {
        [
            flag("mongodb_org_api_access_list_required", \.apiAccessListRequired, scope,
                 help: "1 if the organization requires an IP access list for every API request (apiAccessListRequired), "
                     + "0 if not"),
            flag("mongodb_org_multi_factor_auth_required", \.multiFactorAuthRequired, scope,
                 help: "1 if the organization requires multi-factor authentication of its users (multiFactorAuthRequired), "
                     + "0 if not"),
            flag("mongodb_org_restrict_employee_access", \.restrictEmployeeAccess, scope,
                 help: "1 if MongoDB support staff need the organization's permission to access it (restrictEmployeeAccess), "
                     + "0 if not"),
            // In seconds, Prometheus' base unit (promtool's lint refuses `_hours`); the API counts hours.
            MetricFamily(name: "mongodb_org_service_account_secret_max_validity_seconds", type: .gauge, labels: ["target", "org_id"],
                         help: "The longest validity the organization allows a new service account secret, in seconds "
                             + "(maxServiceAccountSecretValidityInHours × 3600), as of the last successful read of its "
                             + "settings; absent where the API leaves the field out.") { writer, name in
                scope.eachOrg { target, org in
                    guard let hours = org.orgSettings?.settings.maxServiceAccountSecretValidityInHours else { return }
                    writer.sample(name, [("target", target), ("org_id", org.orgID)], Double(hours) * 3600)
                }
            },
        ]
    }

    private static func flag(_ name: String, _ field: KeyPath<OrgSettings, Bool?>, _ scope: RenderScope,
                             help: String) -> MetricFamily {
        MetricFamily(name: name, type: .gauge, labels: ["target", "org_id"],
                     help: help + ", as of the last successful read of its settings; absent where the API leaves the "
                         + "field out.") { writer, name in
            scope.eachOrg { target, org in
                guard let value = org.orgSettings?.settings[keyPath: field] else { return }
                writer.sample(name, [("target", target), ("org_id", org.orgID)], value ? 1 : 0)
            }
        }
    }
}
