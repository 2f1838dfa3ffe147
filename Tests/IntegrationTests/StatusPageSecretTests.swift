import AtlasSimulator
import DigestHeader
import Foundation
import TestSupport
import Testing

/// `/` and `/config` name each target's credential by its public half only: no private key, client secret or basic
/// auth hash, even when the API echoes the request's credentials into the errors the page shows.
@Suite("Status page and /config keep secrets out")
struct StatusPageSecretTests {
    static let clientID = "mdb_sa_id_page0123456789abcdef0123"
    static let clientSecret = "mdb_sa_sk_page-secret-0123456789"

    @Test("/ and /config hold no configured secret; basic auth covers both")
    func noSecretOnPages() async throws {
        let inventory = InventoryGenerator(seed: 223, keysPerOrg: [4, 2]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.echoRequestHeadersInErrors = true
            faults.statusForPathSuffix = ["\(inventory.orgs[1].id)/apiKeys": 403]
            simulator.faults = faults
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("page-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let password = "page-pass-\(UUID().uuidString.prefix(8))"
            let hash = try await WebSecurityTests.bcryptHash(password)
            let webConfig = directory.appendingPathComponent("web.yml")
            try Data("basic_auth_users:\n  prometheus: '\(hash)'\n".utf8).write(to: webConfig)
            let configFile = directory.appendingPathComponent("targets.yml")
            try Data("""
                targets:
                  - name: keyed
                    base_url: \(running.baseURL())
                    public_key: \(testPublicKey)
                    private_key: ${PAGE_PRIVATE_KEY}
                  - name: account
                    base_url: \(running.baseURL())
                    client_id: \(Self.clientID)
                    client_secret: ${PAGE_CLIENT_SECRET}

                """.utf8).write(to: configFile)
            let exporter = try ExporterProcess(
                arguments: ["--config.file", configFile.path, "--web.config.file", webConfig.path,
                            "--web.listen-address", "127.0.0.1:0", "--poll.interval", "1s"],
                environment: ["PAGE_PRIVATE_KEY": testPrivateKey, "PAGE_CLIENT_SECRET": Self.clientSecret])
            let port = try await exporter.waitForListeningPort()
            let basic = "Authorization: Basic " + Data("prometheus:\(password)".utf8).base64EncodedString()
            let deadline = ContinuousClock.now + .seconds(60)
            var status = ""
            while ContinuousClock.now < deadline, !status.contains(">auth</span>") {
                try await Task.sleep(for: .milliseconds(250))
                status = String(decoding: try await httpGet("http://127.0.0.1:\(port)/", headers: [basic]).body, as: UTF8.self)
            }
            let config = try await httpGet("http://127.0.0.1:\(port)/config", headers: [basic])
            let configText = String(decoding: config.body, as: UTF8.self)
            #expect(config.status == 200)

            // What the pages must show: the targets and their credentials' public halves, the failure.
            #expect(status.contains(">auth</span>"), "no org failed with reason auth")
            #expect(status.contains("request headers:"), "the echoed headers reached the page (else this test proves less)")
            for page in [status, configText] {
                #expect(page.contains(testPublicKey) && page.contains(Self.clientID))
            }
            #expect(configText.contains("private_key: &quot;&lt;secret&gt;&quot;"))
            #expect(configText.contains("client_secret: &quot;&lt;secret&gt;&quot;"))
            #expect(configText.contains("prometheus"))
            // What they must not.
            let secrets = [testPrivateKey, Self.clientSecret, hash, password,
                           DigestHeader.md5Hex("\(testPublicKey):MMS Public API:\(testPrivateKey)"),
                           Data("\(testPublicKey):\(testPrivateKey)".utf8).base64EncodedString(),
                           Data("\(Self.clientID):\(Self.clientSecret)".utf8).base64EncodedString()]
            SecretEchoTests.expectNoSecret(status, secrets)
            SecretEchoTests.expectNoSecret(configText, secrets)

            // Basic auth covers the pages like every endpoint but /-/healthy.
            for path in ["/", "/config"] {
                #expect(try await httpGet("http://127.0.0.1:\(port)\(path)").status == 401, "\(path) served without auth")
            }
            #expect(try await exporter.terminate() == 0)
        }
    }
}
