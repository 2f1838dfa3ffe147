import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The exposition for the simulator's seeded demo inventory, compared byte for byte with a fixture file (as
/// node_exporter's `e2e-output.txt`): any change to what the exporter emits shows up as a diff to review.
/// `UPDATE_GOLDEN=1 swift test --filter GoldenExpositionTests` rewrites the file after an intended change.
@Suite("Golden exposition")
struct GoldenExpositionTests {
    static let fixture = Repository.fixture("golden-exposition.txt")

    /// Families whose values depend on the clock, with their values replaced by `<volatile>` (and the build's git
/// revision by `<revision>`).
    static let volatile = ["mongodb_apikey_exporter_collector_last_success_timestamp_seconds", "mongodb_apikey_exporter_poll_duration_seconds",
                           "mongodb_apikey_exporter_collector_duration_seconds"]

    static func normalized(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            // The git revision changes with every commit.
            if line.hasPrefix("mongodb_apikey_exporter_build_info{") {
                return "mongodb_apikey_exporter_build_info{version=\"\(BuildInfo.version)\",revision=\"<revision>\"} 1"
            }
            guard volatile.contains(where: { line.hasPrefix($0 + "{") || line.hasPrefix($0 + " ") }),
                  let space = line.lastIndex(of: " ") else { return String(line) }
            return line[..<space] + " <volatile>"
        }.joined(separator: "\n")
    }

    @Test("the demo inventory renders exactly as the fixture (clock-dependent values masked)")
    func golden() async throws {
        let inventory = InventoryGenerator(seed: 7, keysPerOrg: [240, 35, 730], projectsPerOrg: 6).generate()
        try await withSimulator(inventory) { _, running in
            let collectors = CollectorOptions(accessLists: true, accessListConcurrency: 1, orgConcurrency: 1, serviceAccounts: false, activityFeed: false)
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .discover, collectors: collectors))
            let (ok, state) = try await handle.poll()
            #expect(ok)
            let renderer = InventoryRenderer(options: .init(keyInfo: true, pollInterval: .seconds(30)))
            let text = Self.normalized(String(decoding: renderer.render([state]), as: UTF8.self))
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
                try Data(text.utf8).write(to: Self.fixture)
            }
            let expected = try String(contentsOf: Self.fixture, encoding: .utf8)
            if text != expected {
                let got = text.split(separator: "\n", omittingEmptySubsequences: false)
                let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
                let first = Array(zip(got, want)).firstIndex { $0.0 != $0.1 } ?? min(got.count, want.count)
                Issue.record("""
                    exposition differs from \(Self.fixture.lastPathComponent) at line \(first + 1) \
                    (\(got.count) lines, fixture \(want.count)):
                    got:  \(first < got.count ? got[first] : "<end>")
                    want: \(first < want.count ? want[first] : "<end>")
                    """)
            }
        }
    }
}
