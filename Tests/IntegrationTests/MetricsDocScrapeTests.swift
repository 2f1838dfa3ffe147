import Foundation
import TestSupport
import Testing

/// docs/metrics.md against what the binary really serves: every family a scrape of `--demo` and of
/// `--demo --demo.ops-manager` shows is documented with its type and labels, and none of the names retired in 1.0
/// is served.
@Suite("docs/metrics.md against real scrapes")
struct MetricsDocScrapeTests {
    /// The names 1.0 renamed (CHANGELOG.md); a scrape serving one has slipped back.
    static let retired = [
        "mongodb_api_keys_api_requests_total", "mongodb_api_keys_api_rate_limit_remaining",
        "mongodb_api_keys_rate_limit_wait_seconds_total", "mongodb_api_keys_poll_duration_seconds",
        "mongodb_api_keys_org_discovery_success", "mongodb_api_keys_shard_orgs", "mongodb_api_keys_poll_success",
        "mongodb_api_keys_access_list_success", "mongodb_service_accounts_collection_success",
        "mongodb_api_key_activity_feed_success", "mongodb_api_keys_poll_errors_total",
        "mongodb_api_keys_last_success_timestamp_seconds", "mongodb_api_keys_listing_count_mismatch_total",
    ]

    /// The document's table: name → (type, labels).
    static func documented() throws -> [String: (type: String, labels: Set<String>)] {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
        var families: [String: (type: String, labels: Set<String>)] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 4 else { continue }
            let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let labels = cells[3] == "–" ? [] : cells[3].split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "` "))
            }
            families[name] = (cells[2], Set(labels))
        }
        return families
    }

    @Test("every family --demo and --demo --demo.ops-manager serve is documented, with its type and labels",
          arguments: [["--demo"], ["--demo", "--demo.ops-manager"]])
    func demoScrapeIsDocumented(_ mode: [String]) async throws {
        let documented = try Self.documented()
        #expect(documented.count > 60, "the table was read")
        let exporter = try ExporterProcess(arguments: mode + ["--web.listen-address", "127.0.0.1:0"], environment: [:])
        let port = try await exporter.waitForListeningPort()
        try await exporter.waitUntilReady(port: port)
        let text = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
        #expect(try await exporter.terminate() == 0)

        var types: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
        }
        #expect(types.count > 30, "the scrape was read")
        for (name, type) in types {
            let entry = documented[name]
            #expect(entry != nil, "\(name) is served but not in docs/metrics.md")
            #expect(entry == nil || entry?.type == type, "\(name): served as \(type), documented as \(entry?.type ?? "")")
        }
        for sample in try ExpositionParser.parse(text) {
            guard let entry = documented[sample.name] else { continue }
            #expect(Set(sample.labels.keys) == entry.labels, "\(sample.name): labels \(sample.labels.keys.sorted())")
        }
        for name in Self.retired {
            #expect(!text.contains(name + "{") && !text.contains(name + " "), "\(name) was renamed in 1.0")
        }
    }
}
