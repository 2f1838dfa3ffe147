/// The service-account families. Counts are of distinct accounts; role names pass through as the API sends them.
enum ServiceAccountFamilies {
    /// Calls `body` for every org whose service accounts were collected at least once.
    static func eachCollected(_ scope: RenderScope, _ body: (String, OrgStatus, ServiceAccountsState) -> Void) {
        scope.eachOrg { target, org in
            if let state = org.serviceAccounts, state.hasCollected { body(target, org, state) }
        }
    }

    /// The accounts of a state in client id order.
    static func sorted(_ state: ServiceAccountsState) -> [ServiceAccountRecord] {
        state.accounts.values.sorted { $0.clientID < $1.clientID }
    }

    static func counts(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_service_accounts", type: .gauge, labels: ["target", "org_id", "system_managed"],
                         help: "Number of service accounts in the organization, those Atlas manages itself (system_managed="
                             + "\"true\": remote MCP configurations' ingress and egress accounts) and the others, as of the "
                             + "last successful collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    let managed = state.accounts.values.reduce(0) { $0 + ($1.systemManaged ? 1 : 0) }
                    // Both series always, so that the org's own accounts read 0 rather than nothing.
                    writer.sample(name, [("target", target), ("org_id", org.orgID), ("system_managed", "false")],
                                  Double(state.accounts.count - managed))
                    writer.sample(name, [("target", target), ("org_id", org.orgID), ("system_managed", "true")], Double(managed))
                }
            },
            MetricFamily(name: "mongodb_service_accounts_by_org_role", type: .gauge, labels: ["target", "org_id", "role"],
                         help: "Number of service accounts holding the organization role, as of the last successful "
                             + "collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    var counts: [String: Int] = [:]
                    for account in state.accounts.values { for role in account.orgRoles { counts[role, default: 0] += 1 } }
                    for (role, count) in counts.sortedByKey {
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("role", role)], Double(count))
                    }
                }
            },
            MetricFamily(name: "mongodb_service_accounts_by_project_role", type: .gauge, labels: ["target", "org_id", "project_id", "role"],
                         help: "Number of service accounts holding the project role in the project, as of the last "
                             + "successful collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    var counts: [ProjectRole: Int] = [:]
                    for account in state.accounts.values {
                        for (projectID, roles) in account.projectRoles {
                            for role in roles { counts[ProjectRole(projectID: projectID, role: role), default: 0] += 1 }
                        }
                    }
                    for (projectRole, count) in counts.sortedByKey {
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("project_id", projectRole.projectID),
                                             ("role", projectRole.role)], Double(count))
                    }
                }
            },
            MetricFamily(name: "mongodb_service_account_changes_total", type: .counter, labels: ["target", "org_id", "change"],
                         help: "Service account changes found by comparing consecutive successful collections by client id "
                             + "(added, removed, roles_changed, secret_added, secret_removed), as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    org.serviceAccounts?.changes.write(&writer, name, [("target", target), ("org_id", org.orgID)])
                }
            },
            MetricFamily(name: "mongodb_service_account_access_list_entries", type: .gauge, labels: ["target", "org_id", "client_id"],
                         help: "Entries in the service account's IP access list (0: usable from any address), as of the "
                             + "last successful collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    for account in sorted(state) {
                        guard let entries = account.accessListEntries else { continue }
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("client_id", account.clientID)],
                                      Double(entries))
                    }
                }
            },
            MetricFamily(name: "mongodb_service_account_access_list_requests", type: .gauge, labels: ["target", "org_id", "client_id"],
                         help: "Requests MongoDB counted through the service account's access list entries (the sum of "
                             + "their requestCount; it drops when an entry is removed; absent while never used), as of the "
                             + "last successful collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    for account in sorted(state) {
                        guard let requests = account.accessListUsage?.requests else { continue }
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("client_id", account.clientID)],
                                      Double(requests))
                    }
                }
            },
            projectAccessList(scope, "mongodb_service_account_project_access_list_entries",
                              "Entries in the service account's own IP access list in the project (0: usable from any "
                                  + "address), as of the last successful collection.") { Double($0.entries) },
            projectAccessList(scope, "mongodb_service_account_project_access_list_requests",
                              "Requests MongoDB counted through the service account's access list entries in the project "
                                  + "(the sum of their requestCount; absent while never used), as of the last successful "
                                  + "collection.") { $0.usage.requests.map(Double.init) },
            MetricFamily(name: "mongodb_service_account_last_used_address_info", type: .gauge,
                         labels: ["target", "org_id", "client_id", "address"],
                         help: "1 for the address the service account was last used from (lastUsedAddress of its most "
                             + "recently used access list entry; absent while never used), as of the last successful "
                             + "collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    for account in sorted(state) {
                        guard let address = account.accessListUsage?.lastUsedAddress else { continue }
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("client_id", account.clientID),
                                             ("address", address)], 1)
                    }
                }
            },
        ]
    }

    /// One series per account and project whose access list was read.
    private static func projectAccessList(_ scope: RenderScope, _ name: String, _ help: String,
                                          _ value: @escaping (ProjectAccessList) -> Double?) -> MetricFamily {
        MetricFamily(name: name, type: .gauge, labels: ["target", "org_id", "project_id", "client_id"], help: help) { writer, name in
            eachCollected(scope) { target, org, state in
                for account in sorted(state) {
                    for (projectID, list) in account.projectAccessLists.sortedByKey {
                        guard let sample = value(list) else { continue }
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("project_id", projectID),
                                             ("client_id", account.clientID)], sample)
                    }
                }
            }
        }
    }

    /// The secrets' times: exported even with `--no-collector.key-info`, since expiry is what the alerts watch.
    static func secrets(_ scope: RenderScope) -> [MetricFamily] {
        func secretFamily(_ name: String, _ help: String, _ time: @escaping (ServiceAccountSecret) -> Double?) -> MetricFamily {
            MetricFamily(name: name, type: .gauge, labels: ["target", "org_id", "client_id", "secret_id"], help: help) { writer, name in
                eachCollected(scope) { target, org, state in
                    for account in sorted(state) {
                        for secret in account.secrets.values.sorted(by: { $0.id < $1.id }) {
                            guard let value = time(secret) else { continue }
                            writer.sample(name, [("target", target), ("org_id", org.orgID), ("client_id", account.clientID),
                                                 ("secret_id", secret.id)], value)
                        }
                    }
                }
            }
        }
        return [
            secretFamily("mongodb_service_account_secret_expiry_timestamp_seconds",
                         "When the service account's secret expires (Unix seconds), as of the last successful collection.") {
                $0.expiresAt
            },
            secretFamily("mongodb_service_account_secret_created_timestamp_seconds",
                         "When the service account's secret was created (Unix seconds), as of the last successful collection.") {
                $0.createdAt
            },
            secretFamily("mongodb_service_account_secret_last_used_timestamp_seconds",
                         "When the service account's secret was last used (Unix seconds; absent while never used), as of "
                             + "the last successful collection.") {
                $0.lastUsedAt
            },
        ]
    }

    /// One or more series per account: `--no-collector.key-info` turns them off, as for keys.
    static func perAccount(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_service_account_info", type: .gauge,
                         labels: ["target", "org_id", "client_id", "name", "description", "system_managed"],
                         help: "A metric with a constant 1 for each service account, labeled with its name and description, "
                             + "whether Atlas manages it (and the owner labels configured), as of the last successful "
                             + "collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    for account in sorted(state) {
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("client_id", account.clientID),
                                             ("name", account.name), ("description", account.description),
                                             ("system_managed", account.systemManaged ? "true" : "false")] + account.owners, 1)
                    }
                }
            },
            MetricFamily(name: "mongodb_service_account_created_timestamp_seconds", type: .gauge, labels: ["target", "org_id", "client_id"],
                         help: "When the service account was created (Unix seconds), as of the last successful "
                             + "collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    for account in sorted(state) {
                        guard let created = account.createdAt else { continue }
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("client_id", account.clientID)], created)
                    }
                }
            },
            MetricFamily(name: "mongodb_service_account_role_info", type: .gauge, labels: ["target", "org_id", "client_id", "project_id", "role"],
                         help: "A metric with a constant 1 for each role a service account holds (project_id empty for "
                             + "organization roles), as of the last successful collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    for account in sorted(state) {
                        var roles = account.orgRoles.map { ("", $0) }
                        for (projectID, projectRoles) in account.projectRoles { roles += projectRoles.map { (projectID, $0) } }
                        for (projectID, role) in roles.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                            writer.sample(name, [("target", target), ("org_id", org.orgID), ("client_id", account.clientID),
                                                 ("project_id", projectID), ("role", role)], 1)
                        }
                    }
                }
            },
        ]
    }
}
