@testable import APIKeyExporter
import Testing

/// Counting the activity feed: each event once, transient keys found even when the deletion shows up a read late.
@Suite("Activity feed: events counted once, transient keys")
struct ActivityFeedStateTests {
    static func event(_ id: String, _ type: String, at time: Double, key: String) -> ActivityEvent {
        ActivityEvent(id: id, eventTypeName: type, created: time, username: "someone@example.com",
                      remoteAddress: "203.0.113.9", targetPublicKey: key)
    }

    @Test("every known type at 0 from the first read; an event read twice (the overlap) counts once")
    func overlap() {
        var state = ActivityFeedState()
        _ = state.record([], listed: [], at: 0)
        #expect(state.eventCounts == Dictionary(uniqueKeysWithValues: ActivityFeedState.knownTypes.map { ($0, 0) }))
        let roles = Self.event("e1", "API_KEY_ROLES_CHANGED", at: 10, key: "aaaa")
        _ = state.record([roles], listed: ["aaaa"], at: 20)
        let (new, _) = state.record([roles, Self.event("e2", "API_KEY_FUTURE_THING", at: 25, key: "aaaa")], listed: ["aaaa"], at: 30)
        #expect(new.map(\.id) == ["e2"])
        #expect(state.eventCounts?["API_KEY_ROLES_CHANGED"] == 1)
        #expect(state.eventCounts?["API_KEY_FUTURE_THING"] == 1, "an unknown API_KEY_* type is counted under its own name")
        _ = state.record([Self.event("e3", "GROUP_CREATED", at: 31, key: "x")], listed: [], at: 40)
        #expect(state.eventCounts?["GROUP_CREATED"] == nil, "only key events")
    }

    @Test("created and deleted between two listings: transient; a key seen in a listing is not")
    func transient() {
        var state = ActivityFeedState()
        _ = state.record([], listed: ["kept"], at: 0)
        let (_, first) = state.record([
            Self.event("c1", "API_KEY_CREATED", at: 5, key: "brief"), Self.event("d1", "API_KEY_DELETED", at: 6, key: "brief"),
            Self.event("c2", "API_KEY_CREATED", at: 7, key: "listed-later"),
        ], listed: ["kept"], at: 10)
        #expect(first == ["brief"])
        // The second key shows up in the next listing, then is deleted: a normal key, not transient.
        let (_, second) = state.record([Self.event("d2", "API_KEY_DELETED", at: 15, key: "listed-later")],
                                       listed: ["kept", "listed-later"], at: 20)
        #expect(second.isEmpty)
        // A deletion that shows up a read late still completes the pair.
        _ = state.record([Self.event("c3", "API_KEY_CREATED", at: 21, key: "late")], listed: ["kept"], at: 25)
        let (_, late) = state.record([Self.event("d3", "API_KEY_DELETED", at: 22, key: "late")], listed: ["kept"], at: 30)
        #expect(late == ["late"])
        #expect(state.transientCount == 2)
    }

    @Test("memory stays bounded whatever the feed sends: invented types, keys created and never listed, listings that churn")
    func bounded() {
        var state = ActivityFeedState()
        _ = state.record([], listed: [], at: 0)
        // 300 invented key event types and 300 invented service account types, one event each.
        let invented = (0..<300).flatMap { index in
            [Self.event("k\(index)", "API_KEY_INVENTED_\(index)", at: Double(index), key: "x"),
             Self.event("s\(index)", "SERVICE_ACCOUNT_INVENTED_\(index)", at: Double(index), key: "x")]
        }
        _ = state.record(invented, listed: [], at: 1_000)
        let keyCounts = state.eventCounts ?? [:]
        #expect(keyCounts.count == ActivityFeedState.knownTypes.count + ActivityFeedState.otherTypeLimit + 1)
        #expect(keyCounts["API_KEY_OTHER"] == 300 - ActivityFeedState.otherTypeLimit)
        #expect(keyCounts.values.reduce(0, +) == 300, "every event still counted once")
        let accountCounts = state.serviceAccountEventCounts ?? [:]
        #expect(accountCounts.count == ActivityFeedState.otherTypeLimit + 1)
        #expect(accountCounts.values.reduce(0, +) == 300)
        // 30,000 keys created and never listed or deleted.
        let created = (0..<30_000).map { Self.event("c\($0)", "API_KEY_CREATED", at: 2_000 + Double($0), key: "pk\($0)") }
        _ = state.record(created, listed: [], at: 40_000)
        #expect(state.createdUnlisted.count == ActivityFeedState.seenLimit)
        #expect(state.createdUnlisted["pk29999"] != nil, "the newest are kept")
        // Listings of 1,000 keys that change completely every poll, 40 times.
        for poll in 0..<40 {
            let listed = Set((0..<1_000).map { "poll\(poll)-\($0)" })
            _ = state.record([], listed: listed, at: 50_000 + Double(poll))
            #expect(state.listedPublicKeys.count <= listed.count * 2 + ActivityFeedState.seenLimit)
            #expect(state.listedPublicKeys.isSuperset(of: listed))
        }
    }
}
