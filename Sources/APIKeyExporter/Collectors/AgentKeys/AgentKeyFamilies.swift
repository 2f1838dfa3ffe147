/// The agent API keys of each org's projects.
enum AgentKeyFamilies {
    /// Calls `body` for every org whose agent keys were read at least once.
    static func eachRead(_ scope: RenderScope, _ body: (String, OrgStatus, AgentKeysState) -> Void) {
        scope.eachOrg { target, org in
            if let state = org.agentKeys { body(target, org, state) }
        }
    }

    static func counts(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_agent_api_keys", type: .gauge, labels: ["target", "org_id", "project_id"],
                         help: "Number of agent API keys of the project (0 for a project without any), as of the last "
                             + "successful read.") { writer, name in
                eachRead(scope) { target, org, state in
                    for (projectID, keys) in state.byProject.sortedByKey {
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("project_id", projectID)],
                                      Double(keys.count))
                    }
                }
            },
            MetricFamily(name: "mongodb_agent_api_key_changes_total", type: .counter, labels: ["target", "org_id", "change"],
                         help: "Agent API key changes found by comparing consecutive successful reads of the org's projects "
                             + "by project and key id (added, removed), as of the last poll.") { writer, name in
                eachRead(scope) { target, org, state in
                    state.changes.write(&writer, name, [("target", target), ("org_id", org.orgID)])
                }
            },
        ]
    }

    /// One series per key: `--no-collector.key-info` turns them off.
    static func perKey(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_agent_api_key_info", type: .gauge,
                         labels: ["target", "org_id", "project_id", "key_id", "description", "created_by"],
                         help: "A metric with a constant 1 for each agent API key, labeled with its description and how it "
                             + "was created (USER, PUBLIC_API, PROVISIONING), as of the last successful read.") { writer, name in
                eachRead(scope) { target, org, state in
                    for (projectID, keys) in state.byProject.sortedByKey {
                        for key in keys {
                            writer.sample(name, [("target", target), ("org_id", org.orgID), ("project_id", projectID),
                                                 ("key_id", key.id), ("description", key.desc), ("created_by", key.createdBy)], 1)
                        }
                    }
                }
            },
            MetricFamily(name: "mongodb_agent_api_key_created_timestamp_seconds", type: .gauge,
                         labels: ["target", "org_id", "project_id", "key_id"],
                         help: "Creation time of the agent API key (Unix seconds, from its createdTime), as of the last "
                             + "successful read.") { writer, name in
                eachRead(scope) { target, org, state in
                    for (projectID, keys) in state.byProject.sortedByKey {
                        for key in keys {
                            guard let created = key.createdAt else { continue }
                            writer.sample(name, [("target", target), ("org_id", org.orgID), ("project_id", projectID),
                                                 ("key_id", key.id)], created)
                        }
                    }
                }
            },
        ]
    }
}
