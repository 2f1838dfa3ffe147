import AtlasSimulator
import Foundation
import Testing

/// The churn's events: every key change in the feed, transient keys that no listing shows, and the inventory a
/// seed makes unchanged by the feed.
@Suite("Simulator: churn and the activity feed")
struct SimulatorEventChurnTests {
    static let steps = 120

    @Test("every churned key change is recorded; transient keys are created and deleted, both in the feed, never listed")
    func transientKeys() throws {
        let generator = InventoryGenerator(seed: 3, keysPerOrg: [30, 30], projectsPerOrg: 3)
        let simulator = AtlasSimulator(inventory: generator.generate(), users: [:], eventClock: { 1_800_000_000_000 })
        let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 3)
        var listed = Set(simulator.inventory.orgs.flatMap(\.keys).map(\.publicKey))
        for _ in 0..<Self.steps {
            churn.step()
            listed.formUnion(simulator.inventory.orgs.flatMap(\.keys).map(\.publicKey))
        }
        let events = simulator.inventory.orgs.flatMap { simulator.events(orgID: $0.id) }
        let created = Dictionary(grouping: events.filter { $0.eventTypeName == "API_KEY_CREATED" }) { $0.targetPublicKey ?? "" }
        let deleted = Dictionary(grouping: events.filter { $0.eventTypeName == "API_KEY_DELETED" }) { $0.targetPublicKey ?? "" }
        let transient = created.keys.filter { !listed.contains($0) }
        // 1 in 6 steps on average: between 5 and 45 of 120 (far outside what the stream could draw otherwise).
        #expect((5...45).contains(transient.count), "\(transient.count) transient keys")
        for key in transient {
            let birth = try #require(created[key]?.first)
            let death = try #require(deleted[key]?.first, "transient key \(key) was deleted")
            #expect(death.createdMilliseconds > birth.createdMilliseconds)
            #expect(death.createdMilliseconds - birth.createdMilliseconds < 3_000)
            #expect(birth.actor == death.actor && birth.remoteAddress == death.remoteAddress)
            #expect(birth.remoteAddress.hasPrefix("203.0.113."))
        }
        // One event per step for the key change, two per transient key.
        #expect(events.count == Self.steps + 2 * transient.count)
        let actors = Set(events.map(\.actor))
        #expect(actors.contains { if case .apiKey = $0 { true } else { false } })
        #expect(actors.contains { if case .user = $0 { true } else { false } })
        // Each change's event names a key of the org it changed.
        for event in events {
            #expect(simulator.inventory.orgs.contains { $0.id == event.orgID })
            #expect(event.targetPublicKey != nil)
        }
    }

    @Test("a seed churns the keys exactly as before the feed: the key changes replayed with the old draws")
    func seedsUnchanged() {
        let generator = InventoryGenerator(seed: 11, keysPerOrg: [25, 40, 5], projectsPerOrg: 4)
        let start = generator.generate()
        let simulator = AtlasSimulator(inventory: start, users: [:])
        let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 11)
        for _ in 0..<Self.steps { churn.step() }
        #expect(simulator.inventory == Self.replay(start, generator: generator, seed: 11, steps: Self.steps))
        #expect(simulator.inventory != start)
    }

    /// The churn's key changes as they were written before events existed (orgs without service accounts).
    static func replay(_ start: SimulatedInventory, generator: InventoryGenerator, seed: UInt64, steps: Int) -> SimulatedInventory {
        var inventory = start
        var random = SeededGenerator(seed: seed)
        var nextIndex = 1_000_000
        for _ in 0..<steps {
            guard let orgIndex = inventory.orgs.indices.randomElement(using: &random) else { break }
            var org = inventory.orgs[orgIndex]
            nextIndex += 1
            switch org.keys.isEmpty ? 0 : Int.random(in: 0..<4, using: &random) {
            case 0:
                org.keys.append(generator.makeKey(index: nextIndex, orgID: org.id, projects: org.projects, using: &random))
            case 1:
                org.keys.remove(at: Int.random(in: 0..<org.keys.count, using: &random))
            case 2:
                let index = Int.random(in: 0..<org.keys.count, using: &random)
                let owner = SimulatedRole.org(org.id, "ORG_OWNER")
                if org.keys[index].roles.contains(owner) {
                    org.keys[index].roles.removeAll { $0 == owner }
                } else {
                    org.keys[index].roles.append(owner)
                }
            default:
                let index = Int.random(in: 0..<org.keys.count, using: &random)
                org.keys[index].desc = "Rotated by the demo churn #\(nextIndex)"
            }
            inventory.orgs[orgIndex] = org
        }
        return inventory
    }
}
