import APIKeyExporter
import Foundation
import Testing

@Suite("OpenMetrics on request, text 0.0.4 otherwise")
struct OpenMetricsTests {
    /// Parses an OpenMetrics exposition with the reference parser of prometheus_client (installed into
    /// `.build-python` by the test command) and returns its families as `name type samples` lines.
    static func parseWithPrometheusClient(_ text: String) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("om-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try runTool("python3", ["-c", """
            import sys
            sys.path.insert(0, sys.argv[2])
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()):
                print(family.name, family.type, len(family.samples))
            """, file.path, ReadmeQueryTests.root.appendingPathComponent(".build-python").path])
        try #require(status == 0, "the OpenMetrics parser refused the exposition: \(output)")
        return output.split(separator: "\n").map(String.init)
    }

    @Test("the live exporter answers in OpenMetrics when asked, and the reference parser accepts it")
    func liveOpenMetrics() async throws {
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0"], environment: [:])
        let port = try await exporter.waitForListeningPort()
        let url = "http://127.0.0.1:\(port)/metrics"
        for _ in 0..<100 where try await httpGet("http://127.0.0.1:\(port)/-/ready").status != 200 {
            try await Task.sleep(for: .milliseconds(100))
        }
        let openMetrics = try await httpGet(url, headers: ["Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"])
        #expect(openMetrics.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        let text = String(decoding: openMetrics.body, as: UTF8.self)
        #expect(text.hasSuffix("# EOF\n"))
        #expect(text.contains("# TYPE mongodb_api_key_changes counter\n"))
        #expect(text.contains("mongodb_api_key_changes_total{"))
        let families = try Self.parseWithPrometheusClient(text)
        #expect(families.contains { $0.hasPrefix("mongodb_api_key_changes counter ") })
        #expect(families.contains { $0.hasPrefix("mongodb_api_keys gauge 3") })
        #expect(families.contains { $0.hasPrefix("process_cpu_seconds counter 1") })

        let plain = try await httpGet(url)
        #expect(plain.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let plainText = String(decoding: plain.body, as: UTF8.self)
        #expect(!plainText.contains("# EOF"))
        #expect(plainText.contains("# TYPE mongodb_api_key_changes_total counter\n"))
        let check = try promtoolCheckMetrics(plain.body)
        #expect(check.status == 0 && check.output.isEmpty, "\(check.output)")
        #expect(try await exporter.terminate() == 0)
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
