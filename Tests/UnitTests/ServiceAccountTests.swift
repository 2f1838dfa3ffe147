import APIKeyExporter
import AtlasSimulator
import Foundation
import Logging
import TestSupport
import Testing

@Suite("Service accounts: OAuth client credentials and bearer tokens")
struct ServiceAccountTests {
    static let clientID = "mdb_sa_id_0123456789abcdef01234567"
    static let clientSecret = "mdb_sa_sk_5ec2e7-do-not-log-me"

    static func makeTarget(_ running: RunningSimulator, orgs: OrgSelection, secret: String = clientSecret,
                           sink: LogSink = .capturing()) -> PollerHandle {
        let account = ServiceAccountCredentials(
            clientID: clientID, clientSecret: secret,
            tokenURL: ServiceAccountCredentials.defaultTokenURL(forBaseURL: running.baseURL()))
        let target = TargetConfig(name: "sa", baseURL: running.baseURL(), orgSelection: orgs,
                                  credentials: .serviceAccount(account), transport: TransportOptions())
        let logger = Logger(label: "test") { _ in LineLogHandler(format: .logfmt, level: .debug, sink: sink) }
        let poller = ExporterAssembly.makeTargetPoller(target, collectors: CollectorOptions(orgConcurrency: 2, serviceAccounts: false, activityFeed: false),
                                                       logger: logger)
        return PollerHandle(poller: poller)
    }

    static func simulator(_ inventory: SimulatedInventory, tokenLifetime: Duration = .seconds(3600)) -> AtlasSimulator {
        AtlasSimulator(inventory: inventory, users: [:], serviceAccounts: [clientID: clientSecret], tokenLifetime: tokenLifetime)
    }

    @Test("the token endpoint's default is the base URL's origin")
    func defaultTokenURL() {
        #expect(ServiceAccountCredentials.defaultTokenURL(forBaseURL: "https://cloud.mongodb.com/api/atlas/v2")
                == "https://cloud.mongodb.com/api/oauth/token")
        #expect(ServiceAccountCredentials.defaultTokenURL(forBaseURL: "http://127.0.0.1:8080/api/atlas/v1.0")
                == "http://127.0.0.1:8080/api/oauth/token")
    }

    @Test("one token serves every request and every worker of a target")
    func oneTokenForAll() async throws {
        let inventory = InventoryGenerator(seed: 61, keysPerOrg: [700, 20, 30]).generate()
        let simulator = Self.simulator(inventory)
        let running = try await simulator.start()
        let handle = Self.makeTarget(running, orgs: .discover)
        let (ok, state) = try await handle.poll()
        #expect(ok)
        #expect(state.orgs.count == 3)
        #expect(state.orgs.values.allSatisfy { $0.lastPollSucceeded })
        #expect(simulator.stats.tokenRequests == 1)
        #expect(simulator.stats.challenges == 0, "bearer requests get no Digest challenge")
        await running.stop()
    }

    @Test("an expired token is renewed on the 401 and the poll goes on")
    func expiredToken() async throws {
        let inventory = InventoryGenerator(seed: 62, keysPerOrg: [30]).generate()
        let simulator = Self.simulator(inventory)
        let running = try await simulator.start()
        let handle = Self.makeTarget(running, orgs: .configured([inventory.orgs[0].id]))
        _ = try await handle.poll()
        simulator.tokenIssuer.revokeAll()
        let (ok, state) = try await handle.poll()
        #expect(ok)
        #expect(state.orgs[inventory.orgs[0].id]?.collectorHealth["keys"]?.errorCounts.values.reduce(0, +) == 0)
        #expect(simulator.stats.tokenRequests == 2)
        #expect(state.requestsByCode["401"] == 1)
        await running.stop()
    }

    @Test("a token is renewed before it expires")
    func proactiveRenewal() async throws {
        let inventory = InventoryGenerator(seed: 63, keysPerOrg: [5]).generate()
        // 61 s of life: renewed a minute early, so after one second.
        let simulator = Self.simulator(inventory, tokenLifetime: .seconds(61))
        let running = try await simulator.start()
        let handle = Self.makeTarget(running, orgs: .configured([inventory.orgs[0].id]))
        _ = try await handle.poll()
        // On a loaded machine the first poll may itself outlive that second and renew once already.
        let tokensAfterFirstPoll = simulator.stats.tokenRequests
        try await Task.sleep(for: .milliseconds(1200))
        let (ok, state) = try await handle.poll()
        #expect(ok)
        // Renewed at least once; a second poll slower than the token's one second of use renews again, which is right.
        // Only a renewal before expiry keeps every request free of 401 (the count of renewals on 401 is tested above).
        #expect(simulator.stats.tokenRequests >= tokensAfterFirstPoll + 1)
        #expect(state.requestsByCode["401"] == nil, "no request went out with an old token")
        await running.stop()
    }

    @Test("a wrong secret is an authentication failure, and the secret is never logged")
    func wrongSecret() async throws {
        let inventory = InventoryGenerator(seed: 64, keysPerOrg: [5]).generate()
        let simulator = Self.simulator(inventory)
        let running = try await simulator.start()
        let sink = LogSink.capturing()
        let wrong = "mdb_sa_sk_wrong-secret-value"
        let handle = Self.makeTarget(running, orgs: .configured([inventory.orgs[0].id]), secret: wrong, sink: sink)
        let (ok, state) = try await handle.poll()
        #expect(!ok)
        #expect(state.orgs[inventory.orgs[0].id]?.collectorHealth["keys"]?.errorCounts["auth"] == 1)
        #expect(!sink.captured.joined().contains(wrong))
        #expect(!sink.captured.joined().contains(Self.clientSecret))
        await running.stop()
    }
}
