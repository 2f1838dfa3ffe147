import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The activity feed against the simulator: a randomized run of key mutations, some keys living less than a poll
/// interval, counted with zero misses by the two sources of truth; a credential refused by the feed keeps its inventory.
@Suite("Activity feed against the simulator")
struct ActivityFeedCollectorTests {
    static func values(_ state: TargetState, _ name: String, by label: String) throws -> [String: Int] {
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        return try ExpositionParser.parse(text).filter { $0.name == name }
            .reduce(into: [:]) { $0[$1.labels[label] ?? "", default: 0] += Int($1.value) }
    }

    /// `collector_success` of one collector, by org id.
    static func collectorSuccess(_ state: TargetState, _ collector: String) throws -> [String: Int] {
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        return try ExpositionParser.parse(text)
            .filter { $0.name == "mongodb_apikey_exporter_collector_success" && $0.labels["collector"] == collector }
            .reduce(into: [:]) { $0[$1.labels["org_id"] ?? "", default: 0] += Int($1.value) }
    }

    @Test("105 mutations with transient keys: every listing change by the diff, every transient key, every event once")
    func randomizedRun() async throws {
        let generator = InventoryGenerator(seed: 141, keysPerOrg: [25], projectsPerOrg: 2)
        let inventory = generator.generate()
        let orgID = inventory.orgs[0].id
        try await withSimulator(inventory) { simulator, running in
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured([orgID]), sink: sink, collectors: CollectorOptions(serviceAccounts: false)))
            let (baselineOK, _) = try await handle.poll()
            #expect(baselineOK)
            var random = SeededGenerator(seed: 142)
            let actor = SimulatedActor.user(userID: "5f0000000000000000000001", username: "alice@example.com")
            var expected = ["added": 0, "removed": 0, "roles_changed": 0, "description_changed": 0]
            var transient = 0
            var mutations = 0
            var next = 900_000
            for _ in 0..<35 {
                var touched: Set<String> = []
                for _ in 0..<3 {
                    next += 1
                    mutations += 1
                    let org = simulator.inventory.orgs[0]
                    let candidates = org.keys.filter { !touched.contains($0.id) }
                    switch (Int.random(in: 0..<5, using: &random), candidates.randomElement(using: &random)) {
                    case (0, _), (_, nil):
                        let key = generator.makeKey(index: next, orgID: orgID, projects: org.projects, using: &random)
                        touched.insert(key.id)
                        _ = simulator.createKey(orgID: orgID, key: key, actor: actor, address: "203.0.113.7")
                        expected["added", default: 0] += 1
                    case (1, let key?):
                        touched.insert(key.id)
                        _ = simulator.deleteKey(orgID: orgID, keyID: key.id, actor: actor, address: "203.0.113.7")
                        expected["removed", default: 0] += 1
                    case (2, let key?):
                        touched.insert(key.id)
                        let owner = SimulatedRole.org(orgID, "ORG_OWNER")
                        let roles = key.roles.contains(owner) ? key.roles.filter { $0 != owner } : key.roles + [owner]
                        _ = simulator.setRoles(orgID: orgID, keyID: key.id, roles: roles, actor: actor, address: "203.0.113.7")
                        expected["roles_changed", default: 0] += 1
                    case (3, let key?):
                        touched.insert(key.id)
                        _ = simulator.setDescription(orgID: orgID, keyID: key.id, description: "changed #\(next)", actor: actor,
                                                     address: "203.0.113.7")
                        expected["description_changed", default: 0] += 1
                    default:
                        // Created and deleted before the next poll: no listing ever shows it.
                        let key = generator.makeKey(index: next, orgID: orgID, projects: org.projects, using: &random)
                        _ = simulator.createKey(orgID: orgID, key: key, actor: actor, address: "198.51.100.66")
                        _ = simulator.deleteKey(orgID: orgID, keyID: key.id, actor: actor, address: "198.51.100.66")
                        transient += 1
                    }
                }
                let (ok, _) = try await handle.poll()
                #expect(ok)
            }
            let (_, state) = try await handle.poll()
            #expect(mutations >= 100)
            #expect(transient > 0)
            #expect(try Self.values(state, "mongodb_api_key_changes_total", by: "change") == expected)
            #expect(try Self.values(state, "mongodb_api_keys_transient_total", by: "org_id") == [orgID: transient])
            var events: [String: Int] = Dictionary(uniqueKeysWithValues: [
                "API_KEY_ACCESS_LIST_ENTRY_ADDED", "API_KEY_ACCESS_LIST_ENTRY_DELETED", "API_KEY_ADDED_TO_GROUP", "API_KEY_CREATED",
                "API_KEY_DELETED", "API_KEY_DESCRIPTION_CHANGED", "API_KEY_REMOVED_FROM_GROUP", "API_KEY_ROLES_CHANGED",
                "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_DISABLED", "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED",
            ].map { ($0, 0) })
            for event in simulator.events(orgID: orgID) { events[event.eventTypeName, default: 0] += 1 }
            #expect(try Self.values(state, "mongodb_api_key_events_total", by: "event_type") == events, "every event once")
            #expect(try Self.collectorSuccess(state, "activity_feed") == [orgID: 1])
            // Attribution: every change the listing diff counted names who made it and from where.
            let changeLines = sink.captured.filter { $0.contains("msg=\"api key change\"") }
            #expect(changeLines.count == expected.values.reduce(0, +))
            #expect(changeLines.allSatisfy { $0.contains("actor=alice@example.com") && $0.contains("remote_address=203.0.113.7") },
                    "\(changeLines.first { !$0.contains("actor=") } ?? "")")
            // Each event logged once.
            #expect(sink.captured.filter { $0.contains("msg=\"api key event\"") }.count == simulator.events(orgID: orgID).count)
        }
    }

    @Test("a credential the feed refuses (403): the collector fails, logs the role once per cycle, the inventory stays")
    func refused() async throws {
        let inventory = InventoryGenerator(seed: 143, keysPerOrg: [12, 7]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.usersWithoutEventAccess = [testPublicKey]
            simulator.faults = faults
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured(inventory.orgs.map(\.id).sorted()), sink: sink,
                collectors: CollectorOptions(serviceAccounts: false)))
            _ = try await handle.poll()
            let (ok, state) = try await handle.poll()
            #expect(ok, "the key inventory is unaffected")
            #expect(state.collectorOutcomes["activity_feed"]?.succeeded == false)
            #expect(state.collectorOutcomes["keys"]?.succeeded == true)
            #expect(try Self.values(state, "mongodb_api_keys", by: "org_id") == Dictionary(uniqueKeysWithValues: inventory.orgs.map { ($0.id, $0.keys.count) }))
            #expect(try Self.collectorSuccess(state, "activity_feed").values.allSatisfy { $0 == 0 })
            let refusals = sink.captured.filter { $0.contains("Organization Member") }
            #expect(refusals.count == 2, "one line per cycle and target, not one per org: \(refusals.count)")
        }
    }
}
