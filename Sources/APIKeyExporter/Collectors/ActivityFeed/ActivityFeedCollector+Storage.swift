/// What the activity feed keeps across a restart: where the next read starts, the ids of the events counted
/// recently (so the overlap never counts one twice), and what transient keys are told by. The event counters
/// start again from 0, as every counter after a restart; the first read counts the events since the save.
extension ActivityFeedCollector: PersistentOrgCollector {
    struct Saved: Codable {
        var readFrom: Double
        /// Event id → its time.
        var seen: [String: Double]
        var createdUnlisted: [String: Double]
        var listedPublicKeys: [String]
    }

    static func saved(_ org: OrgStatus) -> Saved? {
        guard let state = org.activityFeed, let readFrom = state.readFrom else { return nil }
        return Saved(readFrom: readFrom, seen: state.seen, createdUnlisted: state.createdUnlisted,
                     listedPublicKeys: state.listedPublicKeys.sorted())
    }

    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double) {
        var state = ActivityFeedState()
        state.readFrom = saved.readFrom
        // Bounded as the running state is: a file cannot make the exporter hold more.
        state.seen = Dictionary(uniqueKeysWithValues: saved.seen.sorted { $0.value > $1.value }
            .prefix(ActivityFeedState.seenLimit).map { ($0.key, $0.value) })
        state.createdUnlisted = Dictionary(uniqueKeysWithValues: saved.createdUnlisted.sorted { $0.value > $1.value }
            .prefix(ActivityFeedState.seenLimit).map { ($0.key, $0.value) })
        state.listedPublicKeys = Set(saved.listedPublicKeys.prefix(2 * ActivityFeedState.seenLimit))
        org.activityFeed = state
    }
}
