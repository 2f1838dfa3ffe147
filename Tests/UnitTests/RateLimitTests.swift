import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The API's rate limits belong to the credential: one 429 pauses every worker of the target, and a spent window
/// is waited for before it provokes a 429.
@Suite("Rate limits: one budget per target")
struct RateLimitTests {
    /// Requests that arrived in `window` after `start`, excluding the first `grace` (requests already in flight).
    static func arrivals(_ stats: SimulatorStats, after start: ContinuousClock.Instant, grace: Duration, until: Duration) -> [String] {
        stats.recentRequests.filter { $0.arrival > start + grace && $0.arrival < start + until }.map(\.path)
    }

    @Test("after a 429 with Retry-After: 6, no new request of the target starts within 6 s, across 4 workers")
    func retryAfterPausesEveryWorker() async throws {
        let inventory = InventoryGenerator(seed: 111, keysPerOrg: Array(repeating: 1_200, count: 8)).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.burstStatus = 429
            faults.burstCount = 1
            faults.burstRetryAfter = "6"
            simulator.faults = faults
            let counter = RequestCounter()
            let orgs = inventory.orgs.map(\.id).sorted()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured(orgs), collectors: CollectorOptions(orgConcurrency: 4, serviceAccounts: false, activityFeed: false, orgSettings: false,
                                                                                      mcpConfigs: false, aiModelKeys: false, projectFeed: false), counter: counter))
            let started = ContinuousClock.now
            let (ok, state) = try await handle.poll()
            let elapsed = ContinuousClock.now - started
            #expect(ok, "the 429 is retried after the pause")
            #expect(state.orgs.values.allSatisfy { $0.lastPollSucceeded })
            let stats = simulator.stats
            let burst = try #require(stats.burstArrivals.first)
            // Requests sent before the 429 came back may still arrive in its first moments (and the simulator stamps
            // arrivals when a thread gets to them, late on a loaded machine: a CI run saw more than a second): two
            // seconds of grace, then none may start until the pause ends.
            let early = Self.arrivals(stats, after: burst, grace: .seconds(2), until: .milliseconds(5_950))
            #expect(early.isEmpty, "requests during the pause: \(early)")
            #expect(stats.recentRequests.contains { $0.arrival >= burst + .seconds(6) }, "the work went on after the pause")
            #expect(elapsed >= .seconds(6))
            #expect(state.rateLimitWaitSeconds >= 6 * 0.8, "the waits are counted: \(state.rateLimitWaitSeconds)")
            let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
            #expect(text.contains("mongodb_apikey_exporter_api_rate_limit_wait_seconds_total{target=\"default\"}"))
        }
    }

    @Test("RateLimit-Remaining: 0 with RateLimit-Reset: 2 holds new requests for 2 s instead of provoking a 429")
    func exhaustedWindowWaits() async throws {
        let inventory = InventoryGenerator(seed: 112, keysPerOrg: Array(repeating: 1_200, count: 4)).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.exhaustedWindowResponses = 1
            faults.exhaustedWindowReset = 2
            simulator.faults = faults
            let orgs = inventory.orgs.map(\.id).sorted()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured(orgs), collectors: CollectorOptions(orgConcurrency: 4, serviceAccounts: false, activityFeed: false, orgSettings: false,
                                                                                      mcpConfigs: false, aiModelKeys: false, projectFeed: false)))
            let started = ContinuousClock.now
            let (ok, state) = try await handle.poll()
            #expect(ok)
            #expect(ContinuousClock.now - started >= .seconds(2))
            #expect(state.requestsByCode["429"] == nil)
            #expect(state.rateLimitWaitSeconds > 1)
        }
    }

    @Test("a pause that would outlast the cycle fails the request as rate_limited at once, without sleeping")
    func pauseBeyondDeadline() async throws {
        let inventory = InventoryGenerator(seed: 113, keysPerOrg: [600, 600]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.burstStatus = 429
            faults.burstCount = 1
            faults.burstRetryAfter = "600"
            simulator.faults = faults
            let orgs = inventory.orgs.map(\.id).sorted()
            let poller = TestTargets.make(running.baseURL(), orgs: .configured(orgs), collectors: CollectorOptions(orgConcurrency: 2, serviceAccounts: false, activityFeed: false, orgSettings: false,
                                                                                      mcpConfigs: false, aiModelKeys: false, projectFeed: false))
            let handle = PollerHandle(poller: poller)
            // Timed where the poll runs, from the instant its deadline is counted from; a poll that slept until its
            // deadline would take the whole 120 s, one that did not takes a few (a loaded CI machine: 14 s).
            let (ok, state, took) = try await offPool {
                let started = ContinuousClock.now
                let ok = handle.poller.pollOnce(deadline: started + .seconds(120))
                return (ok, handle.poller.state, ContinuousClock.now - started)
            }
            #expect(!ok)
            #expect(took < .seconds(60), "\(took)")
            #expect(state.orgs.values.contains { $0.collectorHealth["keys"]?.errorCounts["rate_limited"] == 1 })
        }
    }
}
