/// What `--collector.access-list` finds: keys usable from any IP address, and when, how much and from where each key
/// was used.
enum AccessListFamilies {
    static func all(_ scope: RenderScope) -> [MetricFamily] {
        /// Calls `body` for every org whose access lists were collected at least once.
        func eachCollected(_ body: (String, OrgStatus, AccessListState) -> Void) {
            scope.eachOrg { target, org in
                if let accessLists = org.accessLists, accessLists.hasCollected { body(target, org, accessLists) }
            }
        }
        return [
            MetricFamily(name: "mongodb_api_key_access_list_entries", type: .gauge, labels: ["target", "org_id", "key_id"],
                         help: "Entries in the API key's IP access list (0: usable from any address), as of the last "
                             + "successful collection.") { writer, name in
                eachCollected { target, org, accessLists in
                    for (keyID, summary) in accessLists.summaries.sortedByKey {
                        writer.sample(name,
                                      [("target", target), ("org_id", org.orgID), ("key_id", keyID)], Double(summary.entries))
                    }
                }
            },
            MetricFamily(name: "mongodb_api_key_last_used_timestamp_seconds", type: .gauge, labels: ["target", "org_id", "key_id"],
                         help: "Latest lastUsed time over the API key's access list entries (Unix seconds; absent when "
                             + "never used), as of the last successful collection.") { writer, name in
                eachCollected { target, org, accessLists in
                    for (keyID, summary) in accessLists.summaries.sortedByKey {
                        guard let lastUsed = summary.lastUsed else { continue }
                        writer.sample(name,
                                      [("target", target), ("org_id", org.orgID), ("key_id", keyID)], lastUsed)
                    }
                }
            },
            MetricFamily(name: "mongodb_api_key_access_list_requests", type: .gauge, labels: ["target", "org_id", "key_id"],
                         help: "Requests MongoDB counted through the API key's access list entries (the sum of their "
                             + "count; it drops when an entry is removed; absent while never used), as of the last "
                             + "successful collection.") { writer, name in
                eachCollected { target, org, accessLists in
                    for (keyID, summary) in accessLists.summaries.sortedByKey {
                        guard let requests = summary.usage.requests else { continue }
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("key_id", keyID)], Double(requests))
                    }
                }
            },
            MetricFamily(name: "mongodb_api_key_last_used_address_info", type: .gauge,
                         labels: ["target", "org_id", "key_id", "address"],
                         help: "1 for the address the API key was last used from (lastUsedAddress of its most recently "
                             + "used access list entry; absent while never used), as of the last successful "
                             + "collection.") { writer, name in
                eachCollected { target, org, accessLists in
                    for (keyID, summary) in accessLists.summaries.sortedByKey {
                        guard let address = summary.usage.lastUsedAddress else { continue }
                        writer.sample(name, [("target", target), ("org_id", org.orgID), ("key_id", keyID),
                                             ("address", address)], 1)
                    }
                }
            },
            MetricFamily(name: "mongodb_api_keys_without_access_list", type: .gauge, labels: ["target", "org_id"],
                         help: "Number of API keys of the organization with an empty access list (usable from any IP "
                             + "address), as of the last successful collection.") { writer, name in
                eachCollected { target, org, accessLists in
                    let open = accessLists.summaries.values.filter { $0.entries == 0 }.count
                    writer.sample(name, [("target", target), ("org_id", org.orgID)],
                                  Double(open))
                }
            },
        ]
    }
}
