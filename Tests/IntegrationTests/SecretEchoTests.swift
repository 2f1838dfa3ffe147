import APIKeyExporter
import AtlasSimulator
import DigestHeader
import Foundation
import Logging
import TestSupport
import Testing

/// An API and a token endpoint that echo every request header (`Authorization` included) into their 401, 403, 429
/// and 500 bodies, with the exporter logging at debug level: no secret, token or credential may reach its output.
@Suite("Secrets stay out of the log when the API echoes them")
struct SecretEchoTests {
    static let clientID = "mdb_sa_id_0123456789abcdef01234567"
    static let clientSecret = "mdb_sa_sk_echo-secret-0123456789"

    /// The faults, each with the reason its failed polls are counted under; each answer echoes the headers.
    static let faults: [(String, String, @Sendable (inout SimulatorFaults) -> Void)] = [
        ("401", "auth", { $0.rejectCredentials = true }),
        ("403", "auth", { $0.statusForPathSuffix = ["/apiKeys": 403] }),
        ("429", "rate_limited", { $0.burstStatus = 429; $0.burstCount = 30; $0.burstRetryAfter = "0" }),
        ("500", "http_5xx", { $0.burstStatus = 500; $0.burstCount = 30 }),
    ]

    /// Runs the binary through every fault in turn, until a poll has failed with each fault's reason; returns what
    /// it wrote to stderr and what it served.
    static func runThroughFaults(_ simulator: AtlasSimulator, _ running: RunningSimulator, orgID: String,
                                 environment: [String: String]) async throws -> (stderr: String, pages: String) {
        let exporter = try ExporterProcess(
            arguments: ["--atlas.base-url", running.baseURL(), "--web.listen-address", "127.0.0.1:0", "--poll.interval", "1s",
                        "--atlas.timeout", "10s", "--log.level", "debug", "--atlas.org-id", orgID],
            environment: environment)
        let port = try await exporter.waitForListeningPort()
        try await exporter.waitUntilReady(port: port)
        var pages = ""
        for (name, reason, apply) in faults {
            var injected = SimulatorFaults()
            injected.echoRequestHeadersInErrors = true
            apply(&injected)
            simulator.faults = injected
            var counted = false
            let deadline = ContinuousClock.now + .seconds(60)
            while !counted, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                let page = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
                pages += page
                counted = page.split(separator: "\n").contains {
                    $0.hasPrefix("mongodb_apikey_exporter_collector_errors_total{") && $0.contains("reason=\"\(reason)\"") && !$0.hasSuffix(" 0")
                }
            }
            #expect(counted, "\(name): no poll failed with reason \(reason)")
            simulator.faults = SimulatorFaults()
        }
        #expect(try await exporter.terminate() == 0)
        return (exporter.stderr, pages)
    }

    /// Everything that must never appear: given strings, and any Digest response hash or bearer/basic value.
    static func expectNoSecret(_ output: String, _ secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in secrets {
            #expect(!output.contains(secret), "a secret reached the output", sourceLocation: sourceLocation)
        }
        #expect(output.firstMatch(of: #/response="?[0-9a-f]{32}/#) == nil, "a Digest response", sourceLocation: sourceLocation)
        #expect(output.firstMatch(of: #/(?i)(bearer|basic) [A-Za-z0-9_+/=-]{8,}/#) == nil, "a credential", sourceLocation: sourceLocation)
    }

    @Test("API key (Digest): 401, 403, 429 and 500 bodies echoing Authorization leave no trace in logs or metrics")
    func digestKey() async throws {
        let inventory = InventoryGenerator(seed: 91, keysPerOrg: [20]).generate()
        try await withSimulator(inventory) { simulator, running in
            let (stderr, pages) = try await Self.runThroughFaults(
                simulator, running, orgID: inventory.orgs[0].id, environment: testEnvironment)
            #expect(stderr.contains("request headers:"), "the echoed bodies were logged (else this test proves nothing)")
            #expect(stderr.contains("<redacted>"))
            let ha1 = DigestHeader.md5Hex("\(testPublicKey):MMS Public API:\(testPrivateKey)")
            let basic = Data("\(testPublicKey):\(testPrivateKey)".utf8).base64EncodedString()
            Self.expectNoSecret(stderr + pages, [testPrivateKey, ha1, basic])
        }
    }

    @Test("service account: echoed bearer tokens and a token endpoint echoing Basic client:secret leave no trace")
    func serviceAccount() async throws {
        let inventory = InventoryGenerator(seed: 92, keysPerOrg: [20]).generate()
        let simulator = AtlasSimulator(inventory: inventory, users: [:], serviceAccounts: [Self.clientID: Self.clientSecret])
        let running = try await simulator.start()
        let environment = ["MONGODB_ATLAS_CLIENT_ID": Self.clientID, "MONGODB_ATLAS_CLIENT_SECRET": Self.clientSecret]
        let (stderr, pages) = try await Self.runThroughFaults(simulator, running, orgID: inventory.orgs[0].id, environment: environment)
        let tokens = simulator.tokenIssuer.issuedTokens
        #expect(!tokens.isEmpty)
        #expect(stderr.contains("request headers:"))
        let basic = Data("\(Self.clientID):\(Self.clientSecret)".utf8).base64EncodedString()
        Self.expectNoSecret(stderr + pages, [Self.clientSecret, basic] + tokens)

        // A wrong secret: the token endpoint's 401 echoes `Basic base64(id:wrong)`.
        let wrong = "mdb_sa_sk_wrong-echo-secret-42"
        var faults = SimulatorFaults()
        faults.echoRequestHeadersInErrors = true
        simulator.faults = faults
        let exporter = try ExporterProcess(
            arguments: ["--atlas.base-url", running.baseURL(), "--web.listen-address", "127.0.0.1:0", "--log.level", "debug",
                        "--atlas.org-id", inventory.orgs[0].id],
            environment: ["MONGODB_ATLAS_CLIENT_ID": Self.clientID, "MONGODB_ATLAS_CLIENT_SECRET": wrong])
        let port = try await exporter.waitForListeningPort()
        try await exporter.waitUntilReady(port: port)
        let deadline = ContinuousClock.now + .seconds(30)
        while !exporter.stderr.contains("request headers:"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await exporter.terminate() == 0)
        #expect(exporter.stderr.contains("request headers:"))
        Self.expectNoSecret(exporter.stderr, [wrong, Data("\(Self.clientID):\(wrong)".utf8).base64EncodedString()])
        await running.stop()
    }
}
