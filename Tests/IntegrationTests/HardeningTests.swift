import APIKeyExporter
import AtlasSimulator
import DigestHeader
import Foundation
import TestSupport
import Testing

@Suite("The running exporter under faults: serving, read-only, and never leaking a secret")
struct HardeningTests {
    @Test("through every fault /metrics keeps answering at once, and no log line, metric or page holds a secret")
    func secretsNeverLeak() async throws {
        let inventory = InventoryGenerator(seed: 51, keysPerOrg: [40, 600]).generate()
        try await withSimulator(inventory) { simulator, running in
            let exporter = try ExporterProcess(
                arguments: ["--atlas.base-url", running.baseURL(), "--web.listen-address", "127.0.0.1:0",
                            "--poll.interval", "1s", "--atlas.timeout", "5s", "--log.level", "debug", "--collector.access-list"],
                environment: ["MONGODB_ATLAS_PUBLIC_KEY": testPublicKey, "MONGODB_ATLAS_PRIVATE_KEY": testPrivateKey])
            let port = try await exporter.waitForListeningPort()
            let base = "http://127.0.0.1:\(port)"
            var pages: [String] = []
            try await exporter.waitUntilReady(port: port)
            // Ready means a first cycle ended; on a loaded machine it may have failed. Wait (bounded) for a good one.
            let goodCount = "mongodb_api_keys{target=\"default\",org_id=\"\(inventory.orgs[1].id)\"} 600"
            for _ in 0..<240 where !String(decoding: try await httpGet(base + "/metrics").body, as: UTF8.self).contains(goodCount) {
                try await Task.sleep(for: .milliseconds(250))
            }

            // Each fault, and the reason its failed polls must be counted under.
            let faults: [(String, String, @Sendable (inout SimulatorFaults) -> Void)] = [
                ("revoked key", "auth", { $0.rejectCredentials = true }),
                ("5xx burst", "http_5xx", { $0.burstStatus = 500; $0.burstCount = 20 }),
                ("malformed JSON", "decode", { $0.malformedKeyPages = true }),
                ("truncated body", "transport", { $0.truncatedKeyPages = true }),
                ("hang", "timeout", { $0.responseDelay = .seconds(8) }),
                ("429", "rate_limited", { $0.burstStatus = 429; $0.burstCount = 20; $0.burstRetryAfter = "0" }),
                ("totalCount drift", "inconsistent", { $0.totalCountDrift = true }),
            ]
            for (name, reason, apply) in faults {
                var injected = SimulatorFaults()
                apply(&injected)
                simulator.faults = injected
                // Scrape while polls fail, until one has failed for this reason (bounded: 240 scrapes, a minute or
                // more): each answer must come at once, from the cache.
                var counted = false
                for _ in 0..<240 where !counted {
                    let (response, took) = try await timedHTTPGet(base + "/metrics")
                    #expect(response.status == 200, "\(name)")
                    // A poll through the hang takes at least the 5 s timeout; a cached answer takes milliseconds (seconds at
                    // worst on a loaded CI machine).
                    #expect(took < .seconds(4), "\(name): a scrape waited for a poll")
                    let page = String(decoding: response.body, as: UTF8.self)
                    pages.append(page)
                    counted = page.split(separator: "\n").contains {
                        $0.hasPrefix("mongodb_apikey_exporter_collector_errors_total{") && $0.contains("reason=\"\(reason)\"") && !$0.hasSuffix(" 0")
                    }
                    if !counted { try await Task.sleep(for: .milliseconds(250)) }
                }
                #expect(counted, "\(name): no poll failed with reason \(reason)")
                let last = pages.last ?? ""
                #expect(last.contains(goodCount), "\(name): last good count")
                simulator.faults = SimulatorFaults()
            }
            let recovered = String(decoding: try await httpGet(base + "/metrics").body, as: UTF8.self)
            pages.append(recovered)
            pages.append(String(decoding: try await httpGet(base + "/").body, as: UTF8.self))
            #expect(try await exporter.terminate() == 0)

            // The private key, and the Digest hash that stands for it, appear nowhere.
            let ha1 = DigestHeader.md5Hex("\(testPublicKey):MMS Public API:\(testPrivateKey)")
            for secret in [testPrivateKey, ha1] {
                #expect(!exporter.stderr.contains(secret))
                #expect(!pages.contains { $0.contains(secret) })
            }
            #expect(exporter.stderr.contains("level=error"), "the failures were logged")
        }
    }

    @Test("HEAD answers like GET without a body; other methods get 405 with Allow")
    func readOnlyServer() async throws {
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0"], environment: [:])
        let port = try await exporter.waitForListeningPort()
        let base = "http://127.0.0.1:\(port)"
        let (head, post) = try await offPool {
            let handle = CurlEasyHandle(options: TransportOptions())
            return (try handle.request(base + "/metrics", method: "HEAD"), try handle.request(base + "/metrics", method: "POST"))
        }
        let get = try await httpGet(base + "/metrics")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(Int(head.headers["content-length"] ?? "") ?? 0 > 0)
        #expect(get.status == 200)
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        #expect(try await exporter.terminate() == 0)
    }

    @Test("a keep-alive connection is closed after 1,000 requests; the client just opens another")
    func requestsPerConnection() async throws {
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0"], environment: [:])
        let port = try await exporter.waitForListeningPort()
        let ports = try await offPool {
            let handle = CurlEasyHandle(options: TransportOptions())
            return try (0..<1001).map { _ in try handle.get("http://127.0.0.1:\(port)/-/healthy", headers: []) }
        }
        #expect(ports.allSatisfy { $0.status == 200 })
        #expect(Set(ports.prefix(1000).map(\.localPort)).count == 1, "the first 1,000 share one connection")
        #expect(ports[1000].localPort != ports[0].localPort, "the 1,001st needs a new one")
        #expect(try await exporter.terminate() == 0)
    }
}
