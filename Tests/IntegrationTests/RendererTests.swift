import APIKeyExporter
import Foundation
import TestSupport
import Testing

@Suite("Rendering text format 0.0.4")
struct RendererTests {
    static func state(keys: [APIKey], succeeded: Bool = true) -> TargetState {
        var state = TargetState(name: "default")
        var org = OrgStatus(orgID: "5980cfc70b6d97029d82e3f6")
        org.recordSuccess(OrgSnapshot(orgID: org.orgID, keys: keys, completedAt: 1_700_000_000.5), changes: [])
        var health = CollectorHealth(since: 1_700_000_000)
        health.recordRun(CollectorOutcome(succeeded: true, seconds: 0.1), endedAt: 1_700_000_000.5)
        if !succeeded {
            org.recordFailure(.transport(code: 28, message: "Timeout was reached", url: "u"))
            health.recordRun(CollectorOutcome(succeeded: false, seconds: 0.1), endedAt: 1_700_000_300)
        }
        org.collectorHealth["keys"] = health
        state.orgs[org.orgID] = org
        state.lastCycleDuration = 0.25
        state.requestsByCode = ["200": 3, "401": 3]
        state.completedCycles = 1
        return state
    }

    static let hostile = APIKey(id: "5c47503320eef5699e1cce99", publicKey: "pk\"\\", desc: "say \"hi\"\\n\nnext line – ünïcødé ✓", roles: [
        RoleAssignment(scope: .organization, roleName: "ORG_OWNER"),
    ])

    @Test("label values escape backslash, quote and newline, and keep UTF-8")
    func escaping() throws {
        let text = String(decoding: InventoryRenderer().render([Self.state(keys: [Self.hostile])]), as: UTF8.self)
        #expect(text.contains(#"public_key="pk\"\\",description="say \"hi\"\\n\nnext line – ünïcødé ✓"} 1"#))
        let samples = try ExpositionParser.parse(text)
        let info = try #require(samples.first { $0.name == "mongodb_api_key_info" })
        #expect(info.labels["description"] == Self.hostile.desc)
        #expect(info.labels["public_key"] == Self.hostile.publicKey)
    }

    @Test("HELP text escapes backslash and newline")
    func helpEscaping() {
        var writer = TextFormatWriter()
        writer.family("x", type: .gauge, help: "a\\b\nc \"q\"")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "# HELP x a\\\\b\\nc \"q\"\n# TYPE x gauge\n")
    }

    @Test("output is sorted and deterministic, and passes promtool")
    func deterministic() async throws {
        let keys = SampleKeys.keys + [Self.hostile]
        let first = InventoryRenderer().render([Self.state(keys: keys)])
        let second = InventoryRenderer().render([Self.state(keys: keys.reversed())])
        #expect(String(decoding: first, as: UTF8.self) == String(decoding: second, as: UTF8.self))
        let text = String(decoding: first, as: UTF8.self)
        let familyNames = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(familyNames == familyNames.sorted())
        let result = try await promtoolCheckMetrics(first)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.isEmpty, "promtool reported: \(result.output)")
    }

    @Test("every family has HELP and TYPE, and HELP says values come from the last poll")
    func helpAndType() {
        let renderer = InventoryRenderer(options: .init(pollInterval: .seconds(300)))
        let text = String(decoding: renderer.render([Self.state(keys: SampleKeys.keys)]), as: UTF8.self)
        #expect(text.contains("\nmongodb_apikey_exporter_poll_interval_seconds 300\n"))
        let lines = text.split(separator: "\n")
        let sampleNames = Set(lines.filter { !$0.hasPrefix("#") }.map { String($0.prefix { $0 != "{" && $0 != " " }) })
        for name in sampleNames {
            #expect(lines.contains { $0.hasPrefix("# TYPE \(name) ") }, "no TYPE for \(name)")
            let help = lines.first { $0.hasPrefix("# HELP \(name) ") }
            #expect(help != nil, "no HELP for \(name)")
            if !name.hasPrefix("mongodb_apikey_exporter_") {
                #expect(help?.contains("last") == true && help?.contains("poll") == true, "\(name): \(help ?? "")")
            }
        }
    }

    @Test("a failed poll keeps the last good numbers and marks them stale")
    func staleAfterFailure() throws {
        let samples = try ExpositionParser.parse(String(decoding: InventoryRenderer().render(
            [Self.state(keys: SampleKeys.keys, succeeded: false)]), as: UTF8.self))
        func value(_ name: String) -> Double? { samples.first { $0.name == name }?.value }
        #expect(value("mongodb_api_keys") == 4)
        #expect(value("mongodb_apikey_exporter_collector_success") == 0)
        #expect(value("mongodb_apikey_exporter_collector_last_success_timestamp_seconds") == 1_700_000_000.5)
    }

    @Test("--no-collector.key-info drops the per-key family only")
    func keyInfoOff() throws {
        let text = String(decoding: InventoryRenderer(options: .init(keyInfo: false)).render(
            [Self.state(keys: SampleKeys.keys)]), as: UTF8.self)
        #expect(!text.contains("mongodb_api_key_info"))
        #expect(text.contains("mongodb_api_keys{"))
    }

    @Test("build info is always there, with version and revision")
    func buildInfo() throws {
        let samples = try ExpositionParser.parse(String(decoding: InventoryRenderer().render([]), as: UTF8.self))
        #expect(samples == [Sample(name: "mongodb_apikey_exporter_build_info",
                                   labels: ["version": BuildInfo.version, "revision": BuildInfo.revision], value: 1)])
    }

    @Test("process metrics come from /proc and pass promtool")
    func processMetrics() async throws {
        let bytes = ProcessMetrics().render()
        let samples = try ExpositionParser.parse(String(decoding: bytes, as: UTF8.self))
        let names = Set(samples.map(\.name))
        #expect(names == ["process_cpu_seconds_total", "process_max_fds", "process_open_fds",
                          "process_resident_memory_bytes", "process_start_time_seconds", "process_virtual_memory_bytes",
                          "mongodb_apikey_exporter_log_write_errors_total"])
        let start = try #require(samples.first { $0.name == "process_start_time_seconds" }).value
        #expect(abs(start - Date().timeIntervalSince1970) < 24 * 3600)
        #expect(try #require(samples.first { $0.name == "process_resident_memory_bytes" }).value > 1_000_000)
        #expect(try await promtoolCheckMetrics(bytes).status == 0)
    }
}
