/// Ops Manager's global API keys and their access list, per target.
enum GlobalKeyFamilies {
    /// The global roles Ops Manager defines, exported at 0 from the first read so that alerts have a series.
    static let knownRoles = ["GLOBAL_AUTOMATION_ADMIN", "GLOBAL_BACKUP_ADMIN", "GLOBAL_MONITORING_ADMIN", "GLOBAL_OWNER",
                             "GLOBAL_READ_ONLY", "GLOBAL_USER_ADMIN"]

    /// Calls `body` for every target whose global keys were read at least once.
    static func eachRead(_ scope: RenderScope, _ body: (String, GlobalKeysState) -> Void) {
        for target in scope.targets {
            if let state = target.globalKeys { body(target.name, state) }
        }
    }

    static func counts(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_global_api_keys", type: .gauge, labels: ["target"],
                         help: "Number of global API keys of the Ops Manager installation, as of the last successful "
                             + "read.") { writer, name in
                eachRead(scope) { target, state in
                    writer.sample(name, [("target", target)], Double(state.keys.count))
                }
            },
            MetricFamily(name: "mongodb_global_api_keys_by_role", type: .gauge, labels: ["target", "role"],
                         help: "Number of global API keys holding the global role, as of the last successful read.") { writer, name in
                eachRead(scope) { target, state in
                    var counts = Dictionary(uniqueKeysWithValues: knownRoles.map { ($0, 0) })
                    for key in state.keys.values {
                        for role in Set(key.roles) { counts[role, default: 0] += 1 }
                    }
                    for (role, count) in counts.sortedByKey {
                        writer.sample(name, [("target", target), ("role", role)], Double(count))
                    }
                }
            },
            MetricFamily(name: "mongodb_global_api_key_changes_total", type: .counter, labels: ["target", "change"],
                         help: "Global API key changes found by comparing consecutive successful reads by key id (added, "
                             + "removed, roles_changed, description_changed), as of the last poll.") { writer, name in
                eachRead(scope) { target, state in
                    state.changes.write(&writer, name, [("target", target)])
                }
            },
            MetricFamily(name: "mongodb_global_access_list_entries", type: .gauge, labels: ["target"],
                         help: "Entries in the global API keys' access list, as of the last successful read.") { writer, name in
                eachRead(scope) { target, state in
                    writer.sample(name, [("target", target)], Double(state.accessList.count))
                }
            },
            MetricFamily(name: "mongodb_global_access_list_entry_info", type: .gauge,
                         labels: ["target", "entry_id", "cidr_block", "type", "description"],
                         help: "A metric with a constant 1 for each entry of the global API keys' access list, as of the "
                             + "last successful read.") { writer, name in
                eachRead(scope) { target, state in
                    for entry in state.accessList.sorted(by: { $0.id < $1.id }) {
                        writer.sample(name, [("target", target), ("entry_id", entry.id), ("cidr_block", entry.cidrBlock),
                                             ("type", entry.type), ("description", entry.description)], 1)
                    }
                }
            },
        ]
    }

    /// One or more series per key: `--no-collector.key-info` turns them off.
    static func perKey(_ scope: RenderScope) -> [MetricFamily] {
        func sortedKeys(_ state: GlobalKeysState) -> [GlobalAPIKey] {
            state.keys.values.sorted { $0.id < $1.id }
        }
        return [
            MetricFamily(name: "mongodb_global_api_key_info", type: .gauge,
                         labels: ["target", "key_id", "public_key", "description"],
                         help: "A metric with a constant 1 for each global API key, labeled with its public key and "
                             + "description, as of the last successful read.") { writer, name in
                eachRead(scope) { target, state in
                    for key in sortedKeys(state) {
                        writer.sample(name, [("target", target), ("key_id", key.id), ("public_key", key.publicKey),
                                             ("description", key.desc)], 1)
                    }
                }
            },
            MetricFamily(name: "mongodb_global_api_key_role_info", type: .gauge, labels: ["target", "key_id", "role"],
                         help: "A metric with a constant 1 for each global role a global API key holds, as of the last "
                             + "successful read.") { writer, name in
                eachRead(scope) { target, state in
                    for key in sortedKeys(state) {
                        for role in Set(key.roles).sorted() {
                            writer.sample(name, [("target", target), ("key_id", key.id), ("role", role)], 1)
                        }
                    }
                }
            },
            MetricFamily(name: "mongodb_global_api_key_created_timestamp_seconds", type: .gauge, labels: ["target", "key_id"],
                         help: "Creation time of the global API key (Unix seconds, from its ObjectId), as of the last "
                             + "successful read.") { writer, name in
                eachRead(scope) { target, state in
                    for key in sortedKeys(state) {
                        guard let created = ObjectIDTimestamp.seconds(key.id) else { continue }
                        writer.sample(name, [("target", target), ("key_id", key.id)], created)
                    }
                }
            },
        ]
    }
}
