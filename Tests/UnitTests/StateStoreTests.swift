@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// A restart with `--storage.path` counts what one process that never stopped counts: two pollers watch the same
/// simulator; one keeps running, the other is replaced by a new one that restores the state saved before the
/// changes. Every change and event family must then agree exactly, for every collector that saves state.
@Suite("State saved across a restart")
struct StateStoreTests {
    static let counted = ["mongodb_api_key_changes_total", "mongodb_api_key_events_total", "mongodb_api_keys_transient_total",
                          "mongodb_service_account_changes_total", "mongodb_service_account_events_total",
                          "mongodb_org_security_events_total", "mongodb_global_api_key_changes_total",
                          "mongodb_agent_api_key_changes_total"]

    /// Every counted sample as `name{labels}` → value.
    static func counts(_ state: TargetState) throws -> [String: Double] {
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        return try ExpositionParser.parse(text).filter { counted.contains($0.name) }.reduce(into: [:]) { result, sample in
            let labels = sample.labels.filter { $0.key != "target" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            result["\(sample.name){\(labels.joined(separator: ","))}"] = sample.value
        }
    }

    static func compare(_ generator: InventoryGenerator, prefix: String, steps: (InventoryChurn) -> Void) async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: storage) }
        try await withSimulator(generator.generate()) { simulator, running in
            var collectors = CollectorOptions(accessLists: true, orgSettings: true)
            let running1 = PollerHandle(poller: TestTargets.make(running.baseURL(prefix), orgs: .discover, collectors: collectors))
            collectors.storagePath = storage.path
            let saving = PollerHandle(poller: TestTargets.make(running.baseURL(prefix), orgs: .discover, collectors: collectors))
            let baseline = try await running1.poll().0
            let saved = try await saving.poll().0
            #expect(baseline && saved, "the baselines")
            let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 3, postureOneIn: prefix == "/api/atlas/v2" ? 2 : 0)
            steps(churn)
            let restarted = PollerHandle(poller: TestTargets.make(running.baseURL(prefix), orgs: .discover, collectors: collectors))
            let (stayedOK, stayed) = try await running1.poll()
            let (restartedOK, restored) = try await restarted.poll()
            #expect(stayedOK && restartedOK)
            let expected = try Self.counts(stayed)
            #expect(expected.values.reduce(0, +) > 5, "the churn made changes to count: \(expected.filter { $0.value > 0 })")
            let got = try Self.counts(restored)
            #expect(got == expected, "differs: \(got.filter { expected[$0.key] != $0.value }.sorted { $0.key < $1.key })")
        }
    }

    @Test("Atlas: keys, service accounts and the feed after a restart count what a process that never stopped counts")
    func atlas() async throws {
        let generator = InventoryGenerator(seed: 81, keysPerOrg: [20, 9], projectsPerOrg: 2, serviceAccountsPerOrg: [4, 2])
        try await Self.compare(generator, prefix: "/api/atlas/v2") { churn in
            for _ in 0..<25 { churn.step() }
        }
    }

    @Test("Ops Manager: global and agent keys after a restart count what a process that never stopped counts")
    func opsManager() async throws {
        let generator = InventoryGenerator(seed: 82, keysPerOrg: [6], projectsPerOrg: 3, flavor: .opsManager, globalKeyCount: 6,
                                           globalAccessListCount: 2, agentKeysPerProject: 1...2)
        try await Self.compare(generator, prefix: "/api/public/v1.0") { churn in
            for _ in 0..<20 { churn.stepOpsManager() }
        }
    }
}
