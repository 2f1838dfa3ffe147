/// The model API key families. Counts are of distinct keys; status values pass through as the API sends them.
enum AIModelKeyFamilies {
    /// Calls `body` for every org whose model keys were listed at least once.
    static func eachCollected(_ scope: RenderScope, _ body: (String, OrgStatus, AIModelKeysState) -> Void) {
        scope.eachOrg { target, org in
            if let state = org.aiModelKeys, state.hasCollected { body(target, org, state) }
        }
    }

    static func sorted(_ state: AIModelKeysState) -> [AIModelKeyRecord] {
        state.keys.values.sorted { $0.id < $1.id }
    }

    static func all(_ scope: RenderScope, keyInfo: Bool) -> [MetricFamily] {
        counts(scope) + times(scope) + (keyInfo ? [info(scope)] : [])
    }

    static func counts(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_ai_model_api_keys", type: .gauge, labels: ["target", "org_id", "project_id", "status"],
                         help: "Number of model API keys (Voyage AI) in the project with the status, as of the last "
                             + "successful collection.") { writer, name in
                eachCollected(scope) { target, org, state in
                    var counts: [ProjectStatus: Int] = [:]
                    for key in state.keys.values { counts[ProjectStatus(projectID: key.projectID, status: key.status), default: 0] += 1 }
                    for (group, count) in counts.sortedByKey {
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("project_id", group.projectID),
                                             ("status", group.status)], Double(count))
                    }
                }
            },
            MetricFamily(name: "mongodb_ai_model_api_key_changes_total", type: .counter, labels: ["target", "org_id", "change"],
                         help: "Model API key changes found by comparing consecutive successful listings by key id "
                             + "(added, removed, renamed, status_changed), as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    org.aiModelKeys?.changes.write(&writer, name, [("target", target), ("org_id", org.orgID)])
                }
            },
        ]
    }

    /// Creation and last use: exported even with `--no-collector.key-info`, since they are what the unused-key
    /// alert watches.
    static func times(_ scope: RenderScope) -> [MetricFamily] {
        func timeFamily(_ name: String, _ help: String, _ time: @escaping (AIModelKeyRecord) -> Double?) -> MetricFamily {
            MetricFamily(name: name, type: .gauge, labels: ["target", "org_id", "project_id", "key_id"], help: help) { writer, name in
                eachCollected(scope) { target, org, state in
                    for key in sorted(state) {
                        guard let value = time(key) else { continue }
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("project_id", key.projectID),
                                             ("key_id", key.id)], value)
                    }
                }
            }
        }
        return [
            timeFamily("mongodb_ai_model_api_key_created_timestamp_seconds",
                       "When the model API key was created (Unix seconds), as of the last successful collection.") {
                $0.createdAt
            },
            timeFamily("mongodb_ai_model_api_key_last_used_timestamp_seconds",
                       "When the model API key was last used (Unix seconds; absent while never used), as of the last "
                           + "successful collection.") {
                $0.lastUsedAt
            },
        ]
    }

    static func info(_ scope: RenderScope) -> MetricFamily {
        MetricFamily(name: "mongodb_ai_model_api_key_info", type: .gauge,
                     labels: ["target", "org_id", "project_id", "key_id", "name", "created_by", "status"],
                     help: "A metric with a constant 1 for each model API key, labeled with its name, creator and status "
                         + "(and the owner labels configured), as of the last successful collection.") { writer, name in
            eachCollected(scope) { target, org, state in
                for key in sorted(state) {
                    writer.sample(name, [("target", target), ("org_id", org.orgID), ("project_id", key.projectID),
                                         ("key_id", key.id), ("name", key.name), ("created_by", key.createdBy),
                                         ("status", key.status)] + key.owners, 1)
                }
            }
        }
    }
}

/// A project and a key status: one series of `mongodb_ai_model_api_keys`.
struct ProjectStatus: Hashable, Comparable {
    var projectID: String
    var status: String

    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.projectID, lhs.status) < (rhs.projectID, rhs.status) }
}
