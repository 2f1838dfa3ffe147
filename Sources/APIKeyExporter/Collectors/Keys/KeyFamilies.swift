/// The key inventory: counts per org, role and project; changes by identity; and the per-key families.
enum KeyFamilies {
    static func counts(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_api_keys", type: .gauge, labels: ["target", "org_id"],
                         help: "Number of programmatic API keys in the organization, as of the last successful poll.") { writer, name in
                scope.eachSnapshot { target, org, snapshot in
                    writer.sample(name, [("target", target), ("org_id", org.orgID)],
                                  Double(snapshot.aggregate.keyCount))
                }
            },
            MetricFamily(name: "mongodb_api_keys_by_org_role", type: .gauge, labels: ["target", "org_id", "role"],
                         help: "Number of API keys holding the organization role, as of the last successful poll.") { writer, name in
                scope.eachSnapshot { target, org, snapshot in
                    for (role, count) in snapshot.aggregate.keysByOrgRole.sortedByKey {
                        writer.sample(name,
                                      [("target", target), ("org_id", org.orgID), ("role", role)], Double(count))
                    }
                }
            },
            MetricFamily(name: "mongodb_api_keys_by_project_role", type: .gauge, labels: ["target", "org_id", "project_id", "role"],
                         help: "Number of API keys holding the project role in the project, as of the last successful poll.") { writer, name in
                scope.eachSnapshot { target, org, snapshot in
                    for (projectRole, count) in snapshot.aggregate.keysByProjectRole.sortedByKey {
                        writer.sample(name,
                                      [("target", target), ("org_id", org.orgID),
                                       ("project_id", projectRole.projectID), ("role", projectRole.role)], Double(count))
                    }
                }
            },
            MetricFamily(name: "mongodb_api_keys_by_project", type: .gauge, labels: ["target", "org_id", "project_id"],
                         help: "Number of distinct API keys with any role in the project, as of the last successful poll.") { writer, name in
                scope.eachSnapshot { target, org, snapshot in
                    for (project, count) in snapshot.aggregate.keysByProject.sortedByKey {
                        writer.sample(name,
                                      [("target", target), ("org_id", org.orgID), ("project_id", project)], Double(count))
                    }
                }
            },
        ]
    }

    /// Every change kind of every org is exported from the org's first successful poll, at 0 until it happens.
    static func changes(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_api_key_changes_total", type: .counter, labels: ["target", "org_id", "change"],
                         help: "API key changes found by comparing consecutive successful polls of the organization by "
                             + "key id (added, removed, roles_changed, description_changed), as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    org.keyChanges.write(&writer, name, [("target", target), ("org_id", org.orgID)])
                }
            },
        ]
    }

    /// One or more series per key: `--no-collector.key-info` turns them all off. These families are most of the
    /// exposition: each org's first labels are written once as a prefix, and the keys' text is copied from where
    /// the snapshot holds it.
    static func perKey(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_api_key_info", type: .gauge,
                         labels: ["target", "org_id", "key_id", "public_key", "description"],
                         help: "A metric with a constant 1 for each API key, labeled with its public key and description "
                             + "(and the owner labels configured), as of the last successful poll.") { writer, name in
                scope.eachSnapshot { target, org, snapshot in
                    let prefix = writer.prefix(name, [("target", target), ("org_id", org.orgID)])
                    guard let owners = org.keyOwners else {
                        snapshot.keys.forEach { key in
                            writer.sample(prefix, ("key_id", key.id), ("public_key", key.publicKey), ("description", key.desc),
                                          value: 1)
                        }
                        return
                    }
                    var index = 0
                    snapshot.keys.forEach { key in
                        writer.sample(prefix, ("key_id", key.id), ("public_key", key.publicKey), ("description", key.desc),
                                      extra: owners.labels(at: index), value: 1)
                        index += 1
                    }
                }
            },
            MetricFamily(name: "mongodb_api_key_created_timestamp_seconds", type: .gauge, labels: ["target", "org_id", "key_id"],
                         help: "Creation time of the API key (Unix seconds, from its ObjectId), as of the last successful "
                             + "poll.") { writer, name in
                scope.eachSnapshot { target, org, snapshot in
                    let prefix = writer.prefix(name, [("target", target), ("org_id", org.orgID)])
                    snapshot.keys.forEach { key in
                        guard let created = ObjectIDTimestamp.seconds(key.id) else { return }
                        writer.sample(prefix, ("key_id", key.id), value: created)
                    }
                }
            },
            MetricFamily(name: "mongodb_api_key_role_info", type: .gauge,
                         labels: ["target", "org_id", "key_id", "project_id", "role"],
                         help: "A metric with a constant 1 for each role an API key holds (project_id empty for "
                             + "organization roles), as of the last successful poll.") { writer, name in
                scope.eachSnapshot { target, org, snapshot in
                    let prefix = writer.prefix(name, [("target", target), ("org_id", org.orgID)])
                    let roles = snapshot.keys.roles
                    let projectIDs = roles.map { role in if case .project(let id) = role.scope { id } else { "" } }
                    var numbers: [UInt32] = []
                    snapshot.keys.forEach { key in
                        // Sorted numbers are sorted roles; each role once (the API may repeat one).
                        numbers.removeAll(keepingCapacity: true)
                        numbers.append(contentsOf: key.roleNumbers)
                        numbers.sort()
                        var previous: UInt32?
                        for number in numbers where number != previous {
                            previous = number
                            writer.sample(prefix, ("key_id", key.id), ("project_id", projectIDs[Int(number)]),
                                          ("role", roles[Int(number)].roleName), value: 1)
                        }
                    }
                }
            },
        ]
    }
}
