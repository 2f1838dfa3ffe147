import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// `docs/metrics.md` lists every family as the exporter declares it, so it cannot drift from the code:
/// `UPDATE_METRICS_DOC=1 swift test --filter MetricsDocTests` rewrites it after an intended change.
@Suite("docs/metrics.md")
struct MetricsDocTests {
    static let file = Repository.root.appendingPathComponent("docs/metrics.md")

    static func markdown(_ families: [FamilyDeclaration]) -> String {
        var text = """
            # Metrics

            Every metric family the exporter declares, generated from the declarations in the code
            (`UPDATE_METRICS_DOC=1 swift test --filter MetricsDocTests`; a test fails when this file differs). Values
            come from the last poll, never from the scrape (the `process_*` families and
            `mongodb_apikey_exporter_log_write_errors_total` are read at the scrape). Names are public API from 1.0: a
            rename needs a CHANGELOG entry and a release note (the rule is in [ARCHITECTURE.md](ARCHITECTURE.md#metric-names)).
            `collector_success`, `collector_errors_total`, `collector_last_success_timestamp_seconds` and
            `listing_count_mismatch_total` have one series per collector and organization (`org_id` empty for a
            collector that runs once per target; `collector="discovery"` for an organization whose id `GET /orgs`
            returned malformed, never polled). Per-credential families (`*_info`, `*_role_info`,
            `*_created_timestamp_seconds`) go with `--no-collector.key-info`; a collector that is off exports none of
            its families.

            | metric | type | labels | help |
            |---|---|---|---|

            """
        for family in families {
            let labels = family.labels.isEmpty ? "–" : family.labels.map { "`\($0)`" }.joined(separator: ", ")
            let help = family.help.replacingOccurrences(of: "|", with: "\\|")
            text += "| `\(family.name)` | \(family.type) | \(labels) | \(help) |\n"
        }
        return text
    }

    @Test("the committed file is what the declarations say")
    func inSync() throws {
        let generated = Self.markdown(InventoryRenderer.declaredFamilies())
        if ProcessInfo.processInfo.environment["UPDATE_METRICS_DOC"] == "1" {
            try Data(generated.utf8).write(to: Self.file)
        }
        let committed = try String(contentsOf: Self.file, encoding: .utf8)
        #expect(generated == committed, "docs/metrics.md is stale: UPDATE_METRICS_DOC=1 swift test --filter MetricsDocTests")
    }

    @Test("every declared family is rendered by polls with every collector on, each sample with its declared labels")
    func declarationsMatchSamples() async throws {
        var atlas = InventoryGenerator(seed: 11, keysPerOrg: [30, 12], projectsPerOrg: 3,
                                       serviceAccountsPerOrg: [10, 2], secretClock: 1_800_000_000).generate()
        atlas.orgs[0].aiModelKeys = InventoryGenerator.makeAIModelKeys(count: 4, projects: atlas.orgs[0].projects,
                                                                       now: 1_800_000_000, seed: 11)
        let opsManager = InventoryGenerator(seed: 12, keysPerOrg: [8], projectsPerOrg: 2, flavor: .opsManager, globalKeyCount: 5,
                                            globalAccessListCount: 2, agentKeysPerProject: 1...2).generate()
        var collectors = CollectorOptions(accessLists: true, accessListConcurrency: 2, orgConcurrency: 2,
                                          serviceAccounts: true, activityFeed: true)
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: storage) }
        collectors.storagePath = storage.path
        let atlasState = try await withSimulator(atlas) { simulator, running in
            simulator.faults.exhaustedWindowResponses = 1
            simulator.faults.exhaustedWindowReset = 0
            return try await PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .discover, collectors: collectors)).poll()
        }
        let opsManagerState = try await withSimulator(opsManager) { _, running in
            try await PollerHandle(poller: TestTargets.make(running.baseURL("/api/public/v1.0"), orgs: .discover,
                                                           collectors: collectors, name: "om")).poll()
        }
        #expect(atlasState.0 && opsManagerState.0)
        let renderer = InventoryRenderer(options: .init(keyInfo: true, pollInterval: .seconds(30), shard: Shard(index: 0, count: 2)))
        let text = String(decoding: renderer.render([atlasState.1, opsManagerState.1],
                                                    reload: ReloadStatus(lastReloadSucceeded: true, lastSuccessTime: 1)),
                          as: UTF8.self)
            + String(decoding: ProcessMetrics().render(), as: UTF8.self)
        let declared = Dictionary(uniqueKeysWithValues: InventoryRenderer.declaredFamilies().map { ($0.name, $0) })
        var rendered = Set<String>()
        for sample in try ExpositionParser.parse(text) {
            let family = try #require(declared[sample.name], "\(sample.name) is rendered but not declared")
            #expect(Set(sample.labels.keys) == Set(family.labels), "\(sample)")
            rendered.insert(sample.name)
        }
        #expect(rendered == Set(declared.keys), "declared but never rendered: \(Set(declared.keys).subtracting(rendered).sorted())")
    }
}
