import APIKeyExporter
import AtlasSimulator
import Foundation
import Logging
import TestSupport
import Testing

@Suite("Polling: last good inventory, discovery, timer")
struct PollerTests {
    @Test("a failed poll keeps the last good snapshot, marks it failed and logs one line")
    func failureKeepsLastGood() async throws {
        let inventory = InventoryGenerator(seed: 5, keysPerOrg: [12, 7]).generate()
        try await withSimulator(inventory) { simulator, running in
            let sink = LogSink.capturing()
            let ids = inventory.orgs.map(\.id).sorted()
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .configured(ids), sink: sink))
            let (ok, first) = try await handle.poll()
            #expect(ok)
            let firstSnapshot = try #require(first.orgs[inventory.orgs[0].id]?.lastGood)
            #expect(firstSnapshot.keys.count == 12)

            // The first org vanishes from the API: its poll now fails with a 404.
            simulator.inventory = SimulatedInventory(orgs: [inventory.orgs[1]])
            let (ok2, second) = try await handle.poll()
            #expect(!ok2)
            let failed = try #require(second.orgs[inventory.orgs[0].id])
            #expect(!failed.lastPollSucceeded)
            #expect(failed.lastGood?.keys.count == 12)
            #expect(failed.lastGood?.completedAt == firstSnapshot.completedAt)
            #expect(second.orgs[inventory.orgs[1].id]?.lastPollSucceeded == true)
            let errors = sink.captured.filter { $0.contains("level=error") }
            #expect(errors.count == 1)
            #expect(errors.first?.contains("org_id=\(inventory.orgs[0].id)") == true)
            #expect(errors.first?.contains("404") == true)

            // It comes back: fresh data, success again.
            simulator.inventory = inventory
            let (ok3, third) = try await handle.poll()
            #expect(ok3)
            #expect(third.orgs[inventory.orgs[0].id]?.lastPollSucceeded == true)
            #expect(third.completedCycles == 3)
        }
    }

    @Test("discovered orgs that disappear take their series with them")
    func discoveryDropsVanishedOrgs() async throws {
        let inventory = InventoryGenerator(seed: 6, keysPerOrg: [3, 4, 5]).generate()
        try await withSimulator(inventory) { simulator, running in
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .discover))
            let (_, first) = try await handle.poll()
            #expect(Set(first.orgs.keys) == Set(inventory.orgs.map(\.id)))
            #expect(first.discoverySucceeded == true)

            simulator.inventory = SimulatedInventory(orgs: Array(inventory.orgs.dropFirst()))
            let (_, second) = try await handle.poll()
            #expect(Set(second.orgs.keys) == Set(inventory.orgs.dropFirst().map(\.id)))
            let text = String(decoding: InventoryRenderer().render([second]), as: UTF8.self)
            #expect(!text.contains(inventory.orgs[0].id))
        }
    }

    @Test("a failed discovery keeps polling the orgs already known")
    func failedDiscovery() async throws {
        let inventory = InventoryGenerator(seed: 7, keysPerOrg: [3]).generate()
        let (simulator, running) = try await { () async throws -> (AtlasSimulator, RunningSimulator) in
            let simulator = AtlasSimulator(inventory: inventory, users: [testPublicKey: testPrivateKey])
            return (simulator, try await simulator.start())
        }()
        let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .discover))
        // Errors are counted from here: on a loaded machine a request of the good poll may time out and be retried.
        let errorsBefore = try await handle.poll().1.requestsByCode["error"] ?? 0
        await running.stop()  // the API is gone
        let (ok, state) = try await handle.poll()
        #expect(!ok)
        #expect(state.discoverySucceeded == false)
        #expect(state.orgs[inventory.orgs[0].id]?.lastPollSucceeded == false)
        #expect(state.orgs[inventory.orgs[0].id]?.lastGood?.keys.count == 3)
        // GET /orgs and the known org's listing, each tried three times (connection refused is retried).
        #expect((state.requestsByCode["error"] ?? 0) - errorsBefore == 6)
        #expect(state.orgs[inventory.orgs[0].id]?.collectorHealth["keys"]?.errorCounts["transport"] == 1)
        _ = simulator
    }

    @Test("the timer publishes after the first cycle, and retries sooner than the interval after a failure")
    func timerAndBackoff() async throws {
        let inventory = InventoryGenerator(seed: 8, keysPerOrg: [2]).generate()
        try await withSimulator(inventory) { simulator, running in
            let missing = "0123456789abcdef01234567"
            let target = TestTargets.make(running.baseURL(), orgs: .configured([inventory.orgs[0].id, missing]))
            let cache = ExpositionCache()
            let poller = Poller(targets: [target], interval: .seconds(3600), retryBase: .milliseconds(100),
                                renderer: InventoryRenderer(), cache: cache, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            #expect(!cache.isReady)
            poller.start()
            defer { poller.stop() }
            // Bounded wait (30 s): backoff 100ms, 200ms, 400ms... gives 4 cycles in about a second; the interval never would.
            for _ in 0..<600 where poller.completedCycles < 4 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(poller.completedCycles >= 4)
            #expect(cache.isReady)
            let text = String(decoding: Array(buffer: cache.plainText()), as: UTF8.self)
            #expect(text.contains("mongodb_api_keys{target=\"default\",org_id=\"\(inventory.orgs[0].id)\"} 2"))
            #expect(text.contains("mongodb_apikey_exporter_collector_success{target=\"default\",collector=\"keys\",org_id=\"\(missing)\"} 0"))
            _ = simulator
        }
    }
}
