import APIKeyExporter
import Foundation
import TestSupport
import Testing

@Suite("OpenMetrics on request, text 0.0.4 otherwise")
struct OpenMetricsTests {
    /// Parses an OpenMetrics exposition with the reference parser of prometheus_client (installed into
    /// `.build-python` by the test command) and returns its families as `name type samples` lines.
    static func parseWithPrometheusClient(_ text: String) async throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("om-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await runTool("python3", ["-c", """
            import sys
            sys.path.insert(0, sys.argv[2])
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()):
                print(family.name, family.type, len(family.samples))
            """, file.path, Repository.root.appendingPathComponent(".build-python").path])
        try #require(status == 0, "the OpenMetrics parser refused the exposition: \(output)")
        return output.split(separator: "\n").map(String.init)
    }

    @Test("the live exporter answers in OpenMetrics when asked, and the reference parser accepts it")
    func liveOpenMetrics() async throws {
        // One cycle only: a second one starting (a loaded machine can take the demo's 30 s over its first) lets the
        // inventory go, and the answer is then text 0.0.4 by design.
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0", "--poll.interval", "1h"],
                                           environment: [:])
        let port = try await exporter.waitForListeningPort()
        let url = "http://127.0.0.1:\(port)/metrics"
        try await exporter.waitUntilReady(port: port)
        let openMetrics = try await httpGet(url, headers: ["Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"])
        #expect(openMetrics.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        let text = String(decoding: openMetrics.body, as: UTF8.self)
        #expect(text.hasSuffix("# EOF\n"))
        #expect(text.contains("# TYPE mongodb_api_key_changes counter\n"))
        #expect(text.contains("mongodb_api_key_changes_total{"))
        let families = try await Self.parseWithPrometheusClient(text)
        #expect(families.contains { $0.hasPrefix("mongodb_api_key_changes counter ") })
        #expect(families.contains { $0.hasPrefix("mongodb_api_keys gauge 3") })
        #expect(families.contains { $0.hasPrefix("process_cpu_seconds counter 1") })

        let plain = try await httpGet(url)
        #expect(plain.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let plainText = String(decoding: plain.body, as: UTF8.self)
        #expect(!plainText.contains("# EOF"))
        #expect(plainText.contains("# TYPE mongodb_api_key_changes_total counter\n"))
        let check = try await promtoolCheckMetrics(plain.body)
        #expect(check.status == 0 && check.output.isEmpty, "\(check.output)")
        #expect(try await exporter.terminate() == 0)
    }

    @Test("counters carry _created in OpenMetrics only: the time their count started from zero")
    func createdSamples() async throws {
        let orgID = "5980cfc70b6d97029d82e3f6"
        var org = OrgStatus(orgID: orgID, trackedSince: 1_700_000_000)
        #expect(org.keyChanges.countedSince == nil)
        org.recordSuccess(OrgSnapshot(orgID: orgID, keys: [], completedAt: 1_700_000_060), changes: [])
        org.recordSuccess(OrgSnapshot(orgID: orgID, keys: [], completedAt: 1_700_000_120), changes: [])
        org.collectorHealth["keys"] = CollectorHealth(since: org.trackedSince)
        var state = TargetState(name: "default", startedAt: 1_699_999_999)
        state.orgs[orgID] = org
        state.requestsByCode = ["200": 2]
        let openMetrics = String(decoding: InventoryRenderer().render([state], format: .openMetrics), as: UTF8.self)
        let labels = "target=\"default\",org_id=\"\(orgID)\""
        #expect(openMetrics.contains("""
            mongodb_api_key_changes_total{\(labels),change="added"} 0
            mongodb_api_key_changes_created{\(labels),change="added"} 1700000060\n
            """), "counted from the first successful poll, not the latest")
        #expect(openMetrics.contains(
            "mongodb_apikey_exporter_collector_errors_created{target=\"default\",collector=\"keys\",org_id=\"\(orgID)\",reason=\"auth\"} 1700000000\n"))
        #expect(openMetrics.contains("mongodb_apikey_exporter_api_requests_created{target=\"default\",code=\"200\"} 1699999999\n"))
        let families = try await Self.parseWithPrometheusClient(openMetrics + "# EOF\n")
        #expect(families.contains("mongodb_api_key_changes counter 8"), "4 kinds, each with _total and _created: \(families)")
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        #expect(!text.contains("_created"), "text format 0.0.4 has no _created")
    }

    @Test("HELP text escapes quotes in OpenMetrics only")
    func helpEscaping() {
        var openMetrics = TextFormatWriter(format: .openMetrics)
        openMetrics.family("x_total", type: .counter, help: "say \"hi\"")
        #expect(String(decoding: openMetrics.bytes, as: UTF8.self) == "# HELP x say \\\"hi\\\"\n# TYPE x counter\n")
        var text = TextFormatWriter()
        text.family("x_total", type: .counter, help: "say \"hi\"")
        #expect(String(decoding: text.bytes, as: UTF8.self) == "# HELP x_total say \"hi\"\n# TYPE x_total counter\n")
    }
}
