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
            flag("mongodb_org_security_contact_defined", \.securityContactDefined, scope,
                 help: "1 if the organization names a security contact for MongoDB's security notices (securityContact "
                     + "a non-empty address), 0 if it is empty"),
            flag("mongodb_org_gen_ai_features_enabled", \.genAIFeaturesEnabled, scope,
                 help: "1 if the organization allows generative AI features in Atlas (genAIFeaturesEnabled), 0 if not"),
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

    /// The delegation settings: one series per policy value (1 for the current one) and the token lifetimes set.
    static func delegation(_ scope: RenderScope) -> [MetricFamily] {
        [
            policy("mongodb_org_delegated_mcp_access", \.delegatedMcpAccess, DelegationSettings.mcpAccessValues, scope,
                   help: "1 for the organization's policy on AI agents acting for its users through MCP delegated access "
                       + "(delegatedMcpAccess), 0 for the other policies"),
            policy("mongodb_org_delegated_partner_access", \.delegatedPartnerAccess, DelegationSettings.partnerAccessValues,
                   scope, help: "1 for the organization's policy on partners acting through delegated access "
                       + "(delegatedPartnerAccess), 0 for the other policies"),
            lifetime("mongodb_org_refresh_token_idle_lifetime_seconds", \.idleRefreshTokenLifetime, scope,
                     help: "How long a delegated access refresh token may be idle before it expires (idleRefreshTokenLifetime)"),
            lifetime("mongodb_org_refresh_token_max_lifetime_seconds", \.maximumRefreshTokenLifetime, scope,
                     help: "How long a delegated access refresh token lives at most, however used (maximumRefreshTokenLifetime)"),
        ]
    }

    /// The known values at 0 and the current one at 1 (an unknown current value too, under its own name).
    private static func policy(_ name: String, _ field: KeyPath<DelegationSettings, String?>, _ known: [String],
                               _ scope: RenderScope, help: String) -> MetricFamily {
        MetricFamily(name: name, type: .gauge, labels: ["target", "org_id", "access"],
                     help: help + ", as of the last successful read; absent where the API leaves the field out.") { writer, name in
            scope.eachOrg { target, org in
                guard let current = org.orgSettings?.delegation?[keyPath: field] else { return }
                for access in Set(known + [current]).sorted() {
                    writer.sample(name, [("target", target), ("org_id", org.orgID), ("access", access)], access == current ? 1 : 0)
                }
            }
        }
    }

    private static func lifetime(_ name: String, _ field: KeyPath<DelegationSettings, Int?>, _ scope: RenderScope,
                                 help: String) -> MetricFamily {
        MetricFamily(name: name, type: .gauge, labels: ["target", "org_id"],
                     help: help + ", in seconds, as of the last successful read; absent while unset (the system "
                         + "default applies).") { writer, name in
            scope.eachOrg { target, org in
                guard let seconds = org.orgSettings?.delegation?[keyPath: field] else { return }
                writer.sample(name, [("target", target), ("org_id", org.orgID)], Double(seconds))
            }
        }
    }
}
