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
}
