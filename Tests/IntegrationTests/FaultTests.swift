import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// One test per fault the API can throw at the exporter. Each starts from a good poll, injects the fault, and
/// checks that the last good numbers stay, that the success gauge and the error counter say what happened, and
/// that the next poll after the fault recovers.
@Suite("Faults: the last good inventory survives, and the metrics say what happened")
struct FaultTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var reason: String
        /// The client's request timeout. Generous by default: the good poll before the fault must not time out
        /// on a loaded CI machine (a debug build, every suite in parallel).
        var timeout: Duration = .seconds(20)
        var apply: @Sendable (inout SimulatorFaults) -> Void
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "401: credentials refused", reason: "auth") { $0.rejectCredentials = true },
        Case(name: "403 on the key listing", reason: "auth") { $0.statusForPathSuffix = ["/apiKeys": 403] },
        Case(name: "404 on the key listing", reason: "http_4xx") { $0.statusForPathSuffix = ["/apiKeys": 404] },
        Case(name: "500 burst longer than the retries", reason: "http_5xx") { $0.burstStatus = 500; $0.burstCount = 3 },
        Case(name: "429 longer than the retries", reason: "rate_limited") {
            $0.burstStatus = 429; $0.burstCount = 3; $0.burstRetryAfter = "0"
        },
        Case(name: "malformed JSON", reason: "decode") { $0.malformedKeyPages = true },
        Case(name: "truncated body", reason: "transport") { $0.truncatedKeyPages = true },
        Case(name: "totalCount drift", reason: "inconsistent") { $0.totalCountDrift = true },
        Case(name: "duplicate ids across pages", reason: "inconsistent") { $0.duplicateKeyAcrossPages = true },
        Case(name: "a hang past the timeout", reason: "timeout", timeout: .seconds(5)) { $0.responseDelay = .seconds(12) },
    ]

    @Test("fault", arguments: cases)
    func fault(_ fault: Case) async throws {
        let inventory = InventoryGenerator(seed: 41, keysPerOrg: [700]).generate()
        let orgID = inventory.orgs[0].id
        try await withSimulator(inventory) { simulator, running in
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured([orgID]), sink: sink,
                retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)), timeout: fault.timeout))
            let (ok, good) = try await handle.poll()
            #expect(ok)
            let goodSnapshot = try #require(good.orgs[orgID]?.lastGood)

            var faults = SimulatorFaults()
            fault.apply(&faults)
            simulator.faults = faults
            // The keys change meanwhile: none of it may show until a poll succeeds.
            simulator.mutate { $0.orgs[0].keys.removeFirst(10) }
            let (failedOK, failed) = try await handle.poll()
            #expect(!failedOK)
            let status = try #require(failed.orgs[orgID])
            #expect(!status.lastPollSucceeded)
            #expect(status.lastGood?.keys.map(\.id) == goodSnapshot.keys.map(\.id), "the last good inventory stays")
            #expect(status.lastGood?.completedAt == goodSnapshot.completedAt)
            #expect(status.collectorHealth["keys"]?.errorCounts[fault.reason] == 1, "\(String(describing: status.collectorHealth["keys"]))")
            #expect(status.collectorHealth["keys"]?.errorCounts.values.reduce(0, +) == 1)
            #expect(status.keyChanges.counts?.values.reduce(0, +) == 0, "a failed poll counts no change")
            let text = String(decoding: InventoryRenderer().render([failed]), as: UTF8.self)
            #expect(text.contains("mongodb_apikey_exporter_collector_success{target=\"default\",collector=\"keys\",org_id=\"\(orgID)\"} 0"))
            #expect(text.contains("mongodb_api_keys{target=\"default\",org_id=\"\(orgID)\"} 700"))
            #expect(text.contains("mongodb_apikey_exporter_collector_errors_total{target=\"default\",collector=\"keys\",org_id=\"\(orgID)\",reason=\"\(fault.reason)\"} 1"))
            let errorLines = sink.captured.filter { $0.contains("level=error") }
            #expect(errorLines.count == 1, "one clear line per failed org poll")
            #expect(errorLines.first?.contains("reason=\(fault.reason)") == true)
            #expect(!sink.captured.joined().contains(testPrivateKey))

            simulator.faults = SimulatorFaults()
            let (recovered, after) = try await handle.poll()
            #expect(recovered)
            #expect(after.orgs[orgID]?.lastGood?.keys.count == 690)
            #expect(after.orgs[orgID]?.keyChanges.counts?[.removed] == 10, "changes made during the fault count once")
        }
    }

    @Test("a 503 burst shorter than the retries is invisible but in the request counts")
    func shortBurstRecovers() async throws {
        let inventory = InventoryGenerator(seed: 42, keysPerOrg: [30]).generate()
        try await withSimulator(inventory) { simulator, running in
            let counter = RequestCounter()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured([inventory.orgs[0].id]), counter: counter))
            var faults = SimulatorFaults()
            faults.burstStatus = 503
            faults.burstCount = 2
            simulator.faults = faults
            let (ok, state) = try await handle.poll()
            #expect(ok)
            #expect(state.orgs[inventory.orgs[0].id]?.collectorHealth["keys"]?.errorCounts.values.reduce(0, +) == 0)
            #expect(counter.snapshot()["503"] == 2)
        }
    }

    @Test("429 honours Retry-After: the retry waits as long as the API asked")
    func retryAfterIsHonoured() async throws {
        let inventory = InventoryGenerator(seed: 43, keysPerOrg: [30]).generate()
        try await withSimulator(inventory) { simulator, running in
            let counter = RequestCounter()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured([inventory.orgs[0].id]), collectors: CollectorOptions(orgConcurrency: 1, serviceAccounts: false, activityFeed: false,
                                                                                                      aiModelKeys: false, projectFeed: false),
                counter: counter))
            _ = try await handle.poll()
            var faults = SimulatorFaults()
            faults.burstStatus = 429
            faults.burstCount = 1
            faults.burstRetryAfter = "2"
            simulator.faults = faults
            let started = ContinuousClock.now
            let (ok, _) = try await handle.poll()
            let elapsed = ContinuousClock.now - started
            #expect(ok)
            #expect(elapsed >= .seconds(2), "waited \(elapsed)")
            #expect(counter.snapshot()["429"] == 1)
        }
    }

    @Test("Retry-After as an HTTP date, and as seconds")
    func retryAfterFormats() {
        let now = Date(timeIntervalSince1970: 1_784_000_000)
        #expect(RetryPolicy.retryAfter("55", now: now) == .seconds(55))
        let date = "Tue, 14 Jul 2026 03:33:40 GMT"  // 20 s after `now`
        #expect(RetryPolicy.retryAfter(date, now: now) == .seconds(20))
        #expect(RetryPolicy.retryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.retryAfter(nil, now: now) == nil)
    }

    @Test("a retry that would outlive the cycle is not waited for")
    func retryBudget() async throws {
        let inventory = InventoryGenerator(seed: 44, keysPerOrg: [30]).generate()
        try await withSimulator(inventory) { simulator, running in
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .configured([inventory.orgs[0].id])))
            var faults = SimulatorFaults()
            faults.burstStatus = 429
            faults.burstCount = 1
            faults.burstRetryAfter = "30"
            simulator.faults = faults
            let started = ContinuousClock.now
            // Waiting for the retry would take 30 s, and waiting until the cycle's deadline 25 s; giving up at once takes
            // a poll's time, well under 20 s even on a loaded CI machine.
            let (ok, state) = try await offPool { (handle.poller.pollOnce(deadline: .now + .seconds(25)), handle.poller.state) }
            #expect(!ok)
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect(state.orgs[inventory.orgs[0].id]?.collectorHealth["keys"]?.errorCounts["rate_limited"] == 1)
        }
    }

    @Test("RateLimit-Remaining is exported when the API sends it")
    func rateLimitRemaining() {
        var state = TargetState(name: "default")
        state.rateLimitRemaining = 17
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        #expect(text.contains("mongodb_apikey_exporter_api_rate_limit_remaining{target=\"default\"} 17"))
    }
}
