/// The MCP configuration families; org-level configurations have `project_id=""`.
enum MCPConfigFamilies {
    /// Calls `body` for every config of every org whose configurations were collected at least once, in id order.
    private static func eachConfig(_ scope: RenderScope, _ body: ([(String, String)], MCPConfigRecord) -> Void) {
        scope.eachOrg { target, org in
            guard let state = org.mcpConfigs, state.hasCollected else { return }
            for (id, config) in state.configs.sortedByKey {
                body([("target", target), ("org_id", org.orgID), ("project_id", config.projectID), ("mcp_config_id", id)],
                     config)
            }
        }
    }

    static func all(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_mcp_configs", type: .gauge, labels: ["target", "org_id", "project_id"],
                         help: "Number of remote MCP configurations (AI agents' access through Atlas' hosted MCP server) "
                             + "of the organization (project_id empty, always exported) and of each project that has any, "
                             + "as of the last successful collection.") { writer, name in
                scope.eachOrg { target, org in
                    guard let state = org.mcpConfigs, state.hasCollected else { return }
                    var counts: [String: Int] = ["": 0]
                    for config in state.configs.values { counts[config.projectID, default: 0] += 1 }
                    for (projectID, count) in counts.sortedByKey {
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("project_id", projectID)], Double(count))
                    }
                }
            },
            MetricFamily(name: "mongodb_mcp_config_info", type: .gauge,
                         labels: ["target", "org_id", "project_id", "mcp_config_id", "name", "client_id", "egress_client_id"],
                         help: "A metric with a constant 1 for each remote MCP configuration, labeled with its name, the "
                             + "service account agents use (client_id) and the one Atlas manages (egress_client_id), as of "
                             + "the last successful collection.") { writer, name in
                eachConfig(scope) { labels, config in
                    writer.sample(name, labels + [("name", config.name), ("client_id", config.clientID),
                                                  ("egress_client_id", config.egressClientID)], 1)
                }
            },
            MetricFamily(name: "mongodb_mcp_config_role_info", type: .gauge,
                         labels: ["target", "org_id", "project_id", "mcp_config_id", "role"],
                         help: "A metric with a constant 1 for each role a remote MCP configuration acts with, as of the "
                             + "last successful collection.") { writer, name in
                eachConfig(scope) { labels, config in
                    for role in config.roles.sorted() { writer.sample(name, labels + [("role", role)], 1) }
                }
            },
            MetricFamily(name: "mongodb_mcp_config_access_list_entries", type: .gauge,
                         labels: ["target", "org_id", "project_id", "mcp_config_id"],
                         help: "Entries in the remote MCP configuration's IP access list (0: usable from any address), as "
                             + "of the last successful collection.") { writer, name in
                eachConfig(scope) { labels, config in
                    guard let entries = config.accessListEntries else { return }
                    writer.sample(name, labels, Double(entries))
                }
            },
            secretFamily(scope, "mongodb_mcp_config_secret_created_timestamp_seconds",
                         "When the remote MCP configuration's secret was created (Unix seconds)", \.createdAt),
            secretFamily(scope, "mongodb_mcp_config_secret_expiry_timestamp_seconds",
                         "When the remote MCP configuration's secret expires (Unix seconds)", \.expiresAt),
            secretFamily(scope, "mongodb_mcp_config_secret_last_used_timestamp_seconds",
                         "When the remote MCP configuration's secret was last used (Unix seconds; absent while never "
                             + "used)", \.lastUsedAt),
            MetricFamily(name: "mongodb_mcp_config_changes_total", type: .counter, labels: ["target", "org_id", "change"],
                         help: "Remote MCP configuration changes found by comparing consecutive successful collections by "
                             + "configuration id (added, removed, roles_changed, secret_added, secret_removed), as of the "
                             + "last poll.") { writer, name in
                scope.eachOrg { target, org in
                    org.mcpConfigs?.changes.write(&writer, name, [("target", target), ("org_id", org.orgID)])
                }
            },
        ]
    }

    private static func secretFamily(_ scope: RenderScope, _ name: String, _ help: String,
                                     _ time: KeyPath<MCPConfigSecret, Double?>) -> MetricFamily {
        MetricFamily(name: name, type: .gauge, labels: ["target", "org_id", "project_id", "mcp_config_id", "secret_id"],
                     help: help + ", as of the last successful collection.") { writer, name in
            eachConfig(scope) { labels, config in
                for (id, secret) in config.secrets.sortedByKey {
                    guard let value = secret[keyPath: time] else { continue }
                    writer.sample(name, labels + [("secret_id", id)], value)
                }
            }
        }
    }
}
