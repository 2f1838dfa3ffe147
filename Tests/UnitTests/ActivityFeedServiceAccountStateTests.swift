@testable import APIKeyExporter
import AtlasSimulator
import TestSupport
import Testing

/// Counting service account events: by type only (no field names the account), each once, the spec's 12 types at 0
/// only where service accounts apply.
@Suite("Activity feed: service account events counted by type")
struct ActivityFeedServiceAccountStateTests {
    static let orgID = "5980cfc70b6d97029d82e3f6"

    static func event(_ id: String, _ type: String, at time: Double, group: String? = nil) -> ActivityEvent {
        ActivityEvent(id: id, eventTypeName: type, created: time, username: "someone@example.com", remoteAddress: "203.0.113.9",
                      groupID: group)
    }

    /// The exposition of one org with this feed state, as samples, checked by the independent parser.
    static func samples(_ state: ActivityFeedState) throws -> [Sample] {
        var org = OrgStatus(orgID: orgID)
        org.activityFeed = state
        var target = TargetState(name: "default")
        target.orgs[orgID] = org
        return try ExpositionParser.parse(String(decoding: InventoryRenderer().render([target]), as: UTF8.self))
    }

    static func accountEvents(_ samples: [Sample]) -> [String: Double] {
        samples.filter { $0.name == "mongodb_service_account_events_total" }
            .reduce(into: [:]) { $0[$1.labels["event_type"] ?? "", default: 0] += $1.value }
    }

    @Test("where service accounts apply, the spec's 12 types at 0 from the first read, beside the key types")
    func zerosWhereApplicable() throws {
        // The simulator's list, written separately from the exporter's, from the same spec enum.
        let specTypes = SimulatedServiceAccountEventType.allCases.map(\.rawValue)
        #expect(specTypes.count == 12)
        #expect(Set(ActivityFeedState.knownServiceAccountTypes) == Set(specTypes))
        var state = ActivityFeedState()
        _ = state.record([], listed: [], at: 100, serviceAccounts: true)
        #expect(state.serviceAccountEventCounts == Dictionary(uniqueKeysWithValues: specTypes.map { ($0, 0) }))
        let samples = try Self.samples(state)
        #expect(Self.accountEvents(samples) == Dictionary(uniqueKeysWithValues: specTypes.map { ($0, 0.0) }))
        #expect(samples.filter { $0.name == "mongodb_api_key_events_total" }.count == ActivityFeedState.knownTypes.count)
        #expect(samples.filter { $0.name == "mongodb_service_account_events_total" }
            .allSatisfy { $0.labels["target"] == "default" && $0.labels["org_id"] == Self.orgID })
    }

    @Test("where they do not apply (Cloud, Ops Manager, v1.0): no zero series, but an event read is still counted")
    func noZerosElsewhere() throws {
        var state = ActivityFeedState()
        _ = state.record([], listed: [], at: 100)
        #expect(state.serviceAccountEventCounts == [:])
        let before = try Self.samples(state)
        #expect(!before.contains { $0.name == "mongodb_service_account_events_total" })
        #expect(before.contains { $0.name == "mongodb_api_key_events_total" }, "key events are counted everywhere")
        _ = state.record([Self.event("s1", "SERVICE_ACCOUNT_CREATED", at: 110)], listed: [], at: 120)
        #expect(Self.accountEvents(try Self.samples(state)) == ["SERVICE_ACCOUNT_CREATED": 1])
    }

    @Test("overlapping reads count each event once; unknown SERVICE_ACCOUNT_* under its own name; no mixing with keys")
    func overlapAndUnknown() throws {
        var state = ActivityFeedState()
        let created = Self.event("s1", "SERVICE_ACCOUNT_CREATED", at: 10)
        let secret = Self.event("s2", "SERVICE_ACCOUNT_SECRET_ADDED", at: 11)
        let joined = Self.event("s3", "SERVICE_ACCOUNT_ADDED_TO_GROUP", at: 12, group: "5898b95f87d9d6270e8995d9")
        let future = Self.event("s4", "SERVICE_ACCOUNT_FUTURE_THING", at: 13)
        let key = ActivityEvent(id: "k1", eventTypeName: "API_KEY_CREATED", created: 12, targetPublicKey: "abcdefgh")
        let first = state.record([created, secret, key], listed: [], at: 20, serviceAccounts: true)
        #expect(first.new.map(\.id) == ["s1", "s2", "k1"], "oldest first, both families")
        // The next read reaches back over the first (the overlap): only the new events are new.
        let second = state.record([future, joined, secret, created, key], listed: [], at: 30, serviceAccounts: true)
        #expect(second.new.map(\.id) == ["s3", "s4"])
        let third = state.record([future, joined, Self.event("g1", "GROUP_CREATED", at: 14),
                                  Self.event("x1", "SERVICE_ACCOUNTS_LISTED", at: 15)], listed: [], at: 40, serviceAccounts: true)
        #expect(third.new.isEmpty, "neither a project event nor a type outside the SERVICE_ACCOUNT_ prefix")
        var expected = Dictionary(uniqueKeysWithValues: ActivityFeedState.knownServiceAccountTypes.map { ($0, 0) })
        expected["SERVICE_ACCOUNT_CREATED"] = 1
        expected["SERVICE_ACCOUNT_SECRET_ADDED"] = 1
        expected["SERVICE_ACCOUNT_ADDED_TO_GROUP"] = 1
        expected["SERVICE_ACCOUNT_FUTURE_THING"] = 1
        #expect(state.serviceAccountEventCounts == expected)
        #expect(state.eventCounts?["API_KEY_CREATED"] == 1)
        #expect(state.eventCounts?.keys.allSatisfy { $0.hasPrefix("API_KEY_") } == true)
        #expect(state.transientCount == 0 && state.actors.byEvent.keys.allSatisfy { $0.hasPrefix("API_KEY_") })
        #expect(Self.accountEvents(try Self.samples(state)) == expected.mapValues(Double.init))
    }

    @Test("the seen-set bound holds with service account events: the newest ids kept, re-reading them counts nothing")
    func sharedSeenBound() {
        var state = ActivityFeedState()
        let limit = ActivityFeedState.seenLimit
        // One read of more events than the bound: the oldest ids go, the newest stay remembered.
        let events = (0..<(limit + 10)).map { Self.event("s\($0)", "SERVICE_ACCOUNT_DETAILS_CHANGED", at: Double($0)) }
        _ = state.record(events, listed: [], at: Double(limit + 20), serviceAccounts: true)
        #expect(state.seen.count == limit)
        #expect(state.serviceAccountEventCounts?["SERVICE_ACCOUNT_DETAILS_CHANGED"] == limit + 10)
        // Re-reading the newest counts nothing.
        let again = state.record(Array(events.suffix(100)), listed: [], at: Double(limit + 30), serviceAccounts: true)
        #expect(again.new.isEmpty)
        #expect(state.serviceAccountEventCounts?["SERVICE_ACCOUNT_DETAILS_CHANGED"] == limit + 10)
    }
}
