import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// An API that puts the exporter's own private key into every free-text field it sends (names, descriptions,
/// addresses, usernames), through every collector's decode path on Atlas and on Ops Manager: the key must reach
/// no metric, page or log line, and the text around it must still arrive.
@Suite("A secret in the API's text stops at the decode boundary")
struct SecretInTextTests {
    static let cases: [(String, String, SimulatedInventory)] = [
        ("Atlas v2", "/api/atlas/v2", InventoryGenerator(seed: 201, keysPerOrg: [6, 3], projectsPerOrg: 2,
                                                         serviceAccountsPerOrg: [2, 1]).generate()),
        ("Ops Manager", "/api/public/v1.0", InventoryGenerator(seed: 202, keysPerOrg: [4], projectsPerOrg: 2, flavor: .opsManager,
                                                               globalKeyCount: 3, globalAccessListCount: 2,
                                                               agentKeysPerProject: 1...2).generate()),
    ]

    @Test("every collector on, the private key appended to all text: redacted everywhere, never in clear",
          arguments: [0, 1])
    func secretInEveryTextField(_ index: Int) async throws {
        let (_, prefix, inventory) = Self.cases[index]
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.textSuffix = testPrivateKey
            simulator.faults = faults
            let exporter = try ExporterProcess(
                arguments: ["--atlas.base-url", running.baseURL(prefix), "--web.listen-address", "127.0.0.1:0",
                            "--poll.interval", "1h", "--log.level", "debug", "--collector.access-list"],
                environment: ["MONGODB_ATLAS_PUBLIC_KEY": testPublicKey, "MONGODB_ATLAS_PRIVATE_KEY": testPrivateKey])
            let port = try await exporter.waitForListeningPort()
            try await exporter.waitUntilReady(port: port)
            let base = "http://127.0.0.1:\(port)"
            let metrics = String(decoding: try await httpGet(base + "/metrics").body, as: UTF8.self)
            let status = String(decoding: try await httpGet(base + "/").body, as: UTF8.self)
            let config = String(decoding: try await httpGet(base + "/config").body, as: UTF8.self)
            #expect(try await exporter.terminate() == 0)
            for (name, text) in [("/metrics", metrics), ("/", status), ("/config", config), ("the log", exporter.stderr)] {
                #expect(!text.contains(testPrivateKey), "the private key in \(name)")
            }
            // The text around it arrived: names and descriptions, redacted where the key stood.
            let redactedLines = metrics.split(separator: "\n").filter { $0.contains("<redacted>") }
            let families = Set(redactedLines.map { $0.prefix { $0 != "{" } })
            let expected: Set<Substring> = index == 0
                ? ["mongodb_api_key_info", "mongodb_org_info", "mongodb_project_info", "mongodb_service_account_info"]
                : ["mongodb_api_key_info", "mongodb_project_info", "mongodb_global_api_key_info", "mongodb_agent_api_key_info",
                   "mongodb_global_access_list_entry_info"]
            #expect(expected.isSubset(of: families), "redacted text in \(families.sorted())")
            #expect(status.contains("&lt;redacted&gt;"), "the status page shows the redacted org names")
        }
    }
}
