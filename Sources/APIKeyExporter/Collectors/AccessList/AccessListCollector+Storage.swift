/// What `access_list` keeps across a restart: each key's access-list summary, so that an address that changed
/// while the exporter was down is logged once by the first collection after the start, and one that did not, not
/// again. Restored summaries show as stale until then.
extension AccessListCollector: PersistentOrgCollector {
    struct Saved: Codable {
        var keys: [Key]
    }

    struct Key: Codable {
        var id: String
        var entries: Int
        var lastUsed: Double?
        var requests: Int?
        var lastUsedAddress: String?
    }

    static func saved(_ org: OrgStatus) -> Saved? {
        guard let state = org.accessLists, state.hasCollected else { return nil }
        return Saved(keys: state.summaries.sortedByKey.map { id, summary in
            Key(id: id, entries: summary.entries, lastUsed: summary.lastUsed, requests: summary.usage.requests,
                lastUsedAddress: summary.usage.lastUsedAddress)
        })
    }

    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double) {
        var state = AccessListState()
        for key in saved.keys {
            state.summaries[key.id] = AccessListSummary(
                entries: max(0, key.entries), lastUsed: key.lastUsed,
                usage: AccessListUsage(requests: key.requests,
                                       lastUsedAddress: key.lastUsedAddress.map { String($0.prefix(AccessListUsage.addressLimit)) }))
        }
        state.hasCollected = true
        state.lastCollectionSucceeded = false
        org.accessLists = state
    }
}
