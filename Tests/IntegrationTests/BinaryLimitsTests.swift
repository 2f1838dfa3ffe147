import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The built binary under settings and listings a hostile operator or server would give it: random settings, a
/// SIGHUP-reloaded config file, and a listing without end (memory measured from /proc).
@Suite("The binary: random settings, config reloads, endless listings", .serialized)
struct BinaryLimitsTests {
    /// Peak resident memory (VmHWM) and current (VmRSS) of a process, in bytes.
    static func memory(pid: Int32) -> (peak: Int, current: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
                return Int(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).dropLast(3)).map { $0 * 1024 }
            }
            return nil
        }
        guard let peak = field("VmHWM"), let current = field("VmRSS") else { return nil }
        return (peak, current)
    }

    /// Runs the binary against a listing without end (500 keys of 10 KB descriptions a page) with `maxListingSize`
    /// in the config file (nil: the default), until three polls have failed with too_large; returns its resident
    /// memory once ready (the normal footprint) and its peak.
    static func endlessListing(maxListingSize: String?) async throws -> (footprint: Int, peak: Int) {
        let inventory = InventoryGenerator(seed: 103, keysPerOrg: [120]).generate()
        return try await withSimulator(inventory) { simulator, running in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("endless-\(UUID().uuidString).yml")
            try Data("""
                targets:
                  - name: endless
                    base_url: \(running.baseURL())
                    public_key: \(testPublicKey)
                    private_key: ${TEST_PRIVATE_KEY}
                \(maxListingSize.map { "    max_listing_size: \($0)\n" } ?? "")
                """.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let exporter = try ExporterProcess(
                arguments: ["--config.file", file.path, "--web.listen-address", "127.0.0.1:0", "--poll.interval", "1s"],
                environment: ["TEST_PRIVATE_KEY": testPrivateKey])
            let port = try await exporter.waitForListeningPort()
            try await exporter.waitUntilReady(port: port)
            let pid = exporter.pid
            let footprint = try #require(Self.memory(pid: pid)).current

            var faults = SimulatorFaults()
            faults.endlessKeyPagesDescriptionBytes = 10_000
            simulator.faults = faults
            let orgID = inventory.orgs[0].id
            var failures = 0.0
            var page = ""
            let deadline = ContinuousClock.now + .seconds(180)
            while failures < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                page = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
                let line = page.split(separator: "\n").first {
                    $0.hasPrefix("mongodb_apikey_exporter_collector_errors_total{") && $0.contains("collector=\"keys\"") && $0.contains("reason=\"too_large\"")
                }
                failures = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            }
            let peak = try #require(Self.memory(pid: pid)).peak
            #expect(failures >= 3, "three polls failed with too_large")
            #expect(page.contains("mongodb_api_keys{target=\"endless\",org_id=\"\(orgID)\"} 120"), "the last good inventory stays")
            #expect(try await exporter.terminate() == 0)
            return (footprint, peak)
        }
    }

    @Test("the binary under an endless listing: the org fails with too_large, keeps its inventory, memory stays bounded")
    func endlessListingBinary() async throws {
        let bound = 64 << 20
        let (footprint, peak) = try await Self.endlessListing(maxListingSize: "64MiB")
        // Measured right at the bound (64 MiB above the footprint, either side by 0.2 MiB): with a small bound the
        // cycle's fixed costs (libcurl's buffers, a page being decoded) show, so one 8 MiB page of margin here; the
        // default bound's test below holds the bound itself.
        #expect(peak < footprint + bound + (8 << 20), "peak \(peak >> 20) MiB, footprint \(footprint >> 20) MiB")
        print("endless listing: footprint \(footprint >> 20) MiB, peak \(peak >> 20) MiB with a \(bound >> 20) MiB bound")
    }

    @Test("the binary under an endless listing of fat descriptions with the default bound: less than the bound above its footprint")
    func endlessListingDefaultBound() async throws {
        let bound = ListingLimits().maxBytes
        let (footprint, peak) = try await Self.endlessListing(maxListingSize: nil)
        // With the old default (512 MiB) this peaked 642 MiB above the footprint; figures in docs/RELIABILITY.md.
        #expect(peak < footprint + bound, "peak \(peak >> 20) MiB, footprint \(footprint >> 20) MiB")
        print("endless listing, default bound: footprint \(footprint >> 20) MiB, peak \(peak >> 20) MiB with a \(bound >> 20) MiB bound")
    }

    @Test("the binary polls every target of a config file, reloads it on SIGHUP (/config too), and keeps running on a bad one")
    func binaryWithConfigFile() async throws {
        let inventory = InventoryGenerator(seed: 71, keysPerOrg: [12, 7]).generate()
        try await withSimulator(inventory) { _, running in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(UUID().uuidString).yml")
            try Data("""
                targets:
                  - name: v2
                    base_url: \(running.baseURL("/api/atlas/v2"))
                    public_key: \(testPublicKey)
                    private_key: ${TEST_PRIVATE_KEY}
                  - name: cloud-manager
                    base_url: \(running.baseURL("/api/public/v1.0"))
                    public_key: \(testPublicKey)
                    private_key: ${TEST_PRIVATE_KEY}
                    org_ids: [\(inventory.orgs[0].id)]

                """.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let exporter = try ExporterProcess(
                arguments: ["--config.file", file.path, "--web.listen-address", "127.0.0.1:0"],
                environment: ["TEST_PRIVATE_KEY": testPrivateKey])
            let port = try await exporter.waitForListeningPort()
            try await exporter.waitUntilReady(port: port)
            let samples = try ExpositionParser.parse(String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self))
            let counts = samples.filter { $0.name == "mongodb_api_keys" }.map { "\($0.labels["target"]!)/\($0.labels["org_id"]!)=\(Int($0.value))" }
            #expect(Set(counts) == Set(inventory.orgs.map { "v2/\($0.id)=\($0.keys.count)" } + ["cloud-manager/\(inventory.orgs[0].id)=\(inventory.orgs[0].keys.count)"]))
            #expect(samples.first { $0.name == "mongodb_apikey_exporter_config_last_reload_successful" }?.value == 1)

            // SIGHUP with a third target: it is polled at once.
            try Data((try String(contentsOf: file, encoding: .utf8) + """
                  - name: v1
                    base_url: \(running.baseURL("/api/atlas/v1.0"))
                    public_key: \(testPublicKey)
                    private_key: ${TEST_PRIVATE_KEY}

                """).utf8).write(to: file)
            exporter.send(SIGHUP)
            var targets = Set<String>()
            for _ in 0..<600 where !targets.contains("v1") {
                try await Task.sleep(for: .milliseconds(100))
                let text = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
                targets = Set(try ExpositionParser.parse(text).filter { $0.name == "mongodb_api_keys" }.map { $0.labels["target"]! })
            }
            #expect(targets == ["v2", "cloud-manager", "v1"])
            // /config shows the configuration in effect: the reloaded targets.
            let reloadedPage = String(decoding: try await httpGet("http://127.0.0.1:\(port)/config").body, as: UTF8.self)
            for name in ["v2", "cloud-manager", "v1"] {
                #expect(reloadedPage.contains("name: &quot;\(name)&quot;"), "/config lacks target \(name) after the reload")
            }

            // SIGHUP with a broken file: nothing changes but the reload gauge, and the error names the line.
            try Data("targets:\n  - name: broken\n    public_kee: x\n".utf8).write(to: file)
            exporter.send(SIGHUP)
            var reloaded = 1.0
            for _ in 0..<600 where reloaded == 1 {
                try await Task.sleep(for: .milliseconds(100))
                let text = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
                reloaded = try ExpositionParser.parse(text).first { $0.name == "mongodb_apikey_exporter_config_last_reload_successful" }?.value ?? 1
            }
            #expect(reloaded == 0)
            // The gauge is published just before the line is logged, and the pipe is read on a queue of its own.
            let logged = ContinuousClock.now + .seconds(10)
            while !exporter.stderr.contains("\(file.path):3: targets[0].public_kee"), ContinuousClock.now < logged {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(exporter.stderr.contains("configuration reload failed"))
            #expect(exporter.stderr.contains("\(file.path):3: targets[0].public_kee"))
            let after = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
            #expect(Set(try ExpositionParser.parse(after).filter { $0.name == "mongodb_api_keys" }.map { $0.labels["target"]! })
                    == ["v2", "cloud-manager", "v1"])
            // A failed reload leaves /config as it was.
            #expect(String(decoding: try await httpGet("http://127.0.0.1:\(port)/config").body, as: UTF8.self) == reloadedPage)
            #expect(!exporter.stderr.contains(testPrivateKey))
            #expect(try await exporter.terminate() == 0)
        }
    }

    @Test("the binary: random durations, integers and ports either start or exit 2 with one line")
    func randomBinaryRuns() async throws {
        var random = SeededGenerator(seed: 99)
        let flags = ["--poll.interval", "--atlas.timeout", "--atlas.connect-timeout", "--poll.concurrency",
                     "--collector.access-list.concurrency", "--shard.count", "--web.listen-address"]
        for round in 0..<14 {
            let flag = flags[round % flags.count]
            var value = RandomText.make(&random).filter { $0 != "\u{0}" }  // a NUL cannot be passed in argv
            if flag == "--web.listen-address" { value = "127.0.0.1:" + value }
            // Loopback only: the API is a closed port, and the exporter listens on 127.0.0.1 unless the value says so.
            var arguments = ["--atlas.base-url", "http://127.0.0.1:1/api/atlas/v2", flag + "=" + value]
            if flag != "--web.listen-address" { arguments += ["--web.listen-address", "127.0.0.1:0"] }
            let exporter = try ExporterProcess(arguments: arguments, environment: testEnvironment)
            let deadline = ContinuousClock.now + .seconds(30)
            while exporter.isRunning, !exporter.stderr.contains("msg=listening"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            if exporter.isRunning {
                #expect(exporter.stderr.contains("msg=listening"), "\(arguments)")
                #expect(try await exporter.terminate() == 0, "\(arguments)")
            } else {
                try await exporter.waitForStderrEnd()
                #expect(exporter.exitStatus == 2, "\(arguments): \(exporter.stderr.prefix(300))")
                #expect(exporter.stderrLines.count == 1, "\(arguments): \(exporter.stderr.prefix(300))")
            }
        }
    }
}
