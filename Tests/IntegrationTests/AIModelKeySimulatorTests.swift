@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import Logging
import TestSupport
import Testing

/// The model API key collector against the simulator: more keys than one page holds, never-used keys, several
/// statuses, a round of changes, and the flavours without the listing.
@Suite("Model API keys against the simulator")
struct AIModelKeySimulatorTests {
    static let orgID = "66ab0000000000000000000f"
    static let projects = [SimulatedProject(id: "66ab00000000000000000001", name: "A"),
                           SimulatedProject(id: "66ab00000000000000000002", name: "B")]
    static let now: UInt32 = 1_800_000_000

    static func inventory() -> SimulatedInventory {
        var org = SimulatedOrg(id: orgID, name: "Org", projects: projects)
        org.aiModelKeys = InventoryGenerator.makeAIModelKeys(count: 503, projects: projects, now: now, seed: 3)
        return SimulatedInventory(orgs: [org])
    }

    /// The lines the families should show for `keys` (all of the org's), with these change counts.
    static func expected(_ keys: [SimulatedAIModelKey], changes: [String: Int]) -> Set<String> {
        let labels = "target=\"default\",org_id=\"\(orgID)\""
        var lines: Set<String> = []
        var counts: [String: Int] = [:]
        for key in keys {
            counts["project_id=\"\(key.projectID)\",status=\"\(key.status)\"", default: 0] += 1
            let keyLabels = "\(labels),project_id=\"\(key.projectID)\",key_id=\"\(key.id)\""
            lines.insert("mongodb_ai_model_api_key_info{\(keyLabels),name=\"\(key.name)\",created_by=\"\(key.createdBy)\",status=\"\(key.status)\"} 1")
            lines.insert("mongodb_ai_model_api_key_created_timestamp_seconds{\(keyLabels)} \(key.created)")
            if let used = key.lastUsed { lines.insert("mongodb_ai_model_api_key_last_used_timestamp_seconds{\(keyLabels)} \(used)") }
        }
        for (group, count) in counts { lines.insert("mongodb_ai_model_api_keys{\(labels),\(group)} \(count)") }
        for change in ["added", "removed", "renamed", "status_changed"] {
            lines.insert("mongodb_ai_model_api_key_changes_total{\(labels),change=\"\(change)\"} \(changes[change] ?? 0)")
        }
        return lines
    }

    @Test("exact families over two pages, after a round of changes and a poll later; 404 outside Atlas v2")
    func rounds() async throws {
        try await withSimulator(Self.inventory()) { simulator, running in
            let collector = AIModelKeysCollector()
            let sink = LogSink.capturing()
            var org = OrgStatus(orgID: Self.orgID)
            var (after, error) = try await collectOnce([collector], org, baseURL: running.baseURL(), sink: sink)
            #expect(error == nil, "\(String(describing: error))")
            #expect(simulator.stats.aiModelKeyRequests == 2, "503 keys are two pages of 500")
            org = after
            let initial = simulator.inventory.orgs[0].aiModelKeys
            #expect(initial.contains { $0.lastUsed == nil } && Set(initial.map(\.status)).count >= 3)
            AIModelKeySpecTests.expectLines(AIModelKeySpecTests.render([org]).lines, Self.expected(initial, changes: [:]), "first poll")

            // Two removed, one renamed, one status changed (another both), one added.
            simulator.mutate { inventory in
                var keys = inventory.orgs[0].aiModelKeys
                keys.removeFirst(2)
                keys[0].name += " (renamed)"
                keys[1].status = keys[1].status == "ACTIVE" ? "DISABLED" : "ACTIVE"
                keys[2].name += " (renamed)"
                keys[2].status = "REVOKED"
                var random = SeededGenerator(seed: 99)
                keys.append(InventoryGenerator.makeAIModelKey(index: 1, projectID: Self.projects[1].id, now: Self.now, using: &random))
                inventory.orgs[0].aiModelKeys = keys
            }
            let changed = simulator.inventory.orgs[0].aiModelKeys
            let counts = ["added": 1, "removed": 2, "renamed": 2, "status_changed": changed[2].status == initial[4].status ? 1 : 2]
            (after, error) = try await collectOnce([collector], org, baseURL: running.baseURL(), sink: sink)
            #expect(error == nil)
            org = after
            AIModelKeySpecTests.expectLines(AIModelKeySpecTests.render([org]).lines, Self.expected(changed, changes: counts), "after changes")
            (after, error) = try await collectOnce([collector], org, baseURL: running.baseURL(), sink: sink)
            org = after
            AIModelKeySpecTests.expectLines(AIModelKeySpecTests.render([org]).lines, Self.expected(changed, changes: counts), "a poll later")
            let text = AIModelKeySpecTests.render([org]).text + sink.captured.joined()
            for key in changed { #expect(!text.contains(key.maskedSecret)) }

            for prefix in ["/api/atlas/v1.0", "/api/public/v1.0"] {
                let (_, missing) = try await collectOnce([collector], OrgStatus(orgID: Self.orgID),
                                                                         baseURL: running.baseURL(prefix), sink: sink)
                #expect(collector.unsupported(by: try #require(missing)) != nil, "\(prefix)")
            }
        }
    }
}
