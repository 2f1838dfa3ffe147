@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The project feed with the model key listing against the simulator: every family exact after the first poll,
/// after a round of changes (a transient key among them), and a poll later; a refused project fails alone.
@Suite("Project feed against the simulator")
struct ProjectFeedSimulatorTests {
    static let orgID = "66ac0000000000000000000f"
    static let projects = [SimulatedProject(id: "66ac00000000000000000001", name: "A"),
                           SimulatedProject(id: "66ac00000000000000000002", name: "B")]
    static let actor = SimulatedActor.user(userID: "5f1e0a000000000000000a01", username: "mallory@example.com")

    static func inventory() -> SimulatedInventory {
        var org = SimulatedOrg(id: orgID, name: "Org", projects: projects)
        org.aiModelKeys = InventoryGenerator.makeAIModelKeys(count: 6, projects: projects, now: 1_800_000_000, seed: 5)
        return SimulatedInventory(orgs: [org])
    }

    static func lines(_ org: OrgStatus) -> Set<String> {
        var state = TargetState(name: "default")
        state.orgs[org.orgID] = org
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        return Set(text.split(separator: "\n").filter {
            $0.hasPrefix("mongodb_project_security_events_total{") || $0.hasPrefix("mongodb_ai_model_api_keys_transient_total{")
                || $0.hasPrefix("mongodb_ai_model_api_key_changes_total{")
        }.map(String.init))
    }

    static func expected(events: [String: [String: Int]], transient: Int, changes: [String: Int]) -> Set<String> {
        let labels = "target=\"default\",org_id=\"\(orgID)\""
        var lines: Set<String> = ["mongodb_ai_model_api_keys_transient_total{\(labels)} \(transient)"]
        for project in projects {
            for type in ProjectEventType.allCases.map(\.rawValue) {
                lines.insert("mongodb_project_security_events_total{\(labels),project_id=\"\(project.id)\",event_type=\"\(type)\"} \(events[project.id]?[type] ?? 0)")
            }
        }
        for change in ["added", "removed", "renamed", "status_changed"] {
            lines.insert("mongodb_ai_model_api_key_changes_total{\(labels),change=\"\(change)\"} \(changes[change] ?? 0)")
        }
        return lines
    }

    @Test("exact after the first poll, a round of changes with a transient key, and a poll later; 403 on one project")
    func rounds() async throws {
        try await withSimulator(Self.inventory()) { simulator, running in
            let sink = LogSink.capturing()
            var org = OrgStatus(orgID: Self.orgID)
            org.projectNames = Dictionary(uniqueKeysWithValues: Self.projects.map { ($0.id, $0.name) })
            var error: APIError?
            (org, error) = try await collectOnce([AIModelKeysCollector(), ProjectFeedCollector()], org,
                                             baseURL: running.baseURL(), sink: sink)
            #expect(error == nil, "\(String(describing: error))")
            AIModelKeySpecTests.expectLines(Self.lines(org), Self.expected(events: [:], transient: 0, changes: [:]), "first poll")

            let keys = simulator.inventory.orgs[0].aiModelKeys
            let (a, b) = (Self.projects[0].id, Self.projects[1].id)
            var random = SeededGenerator(seed: 8)
            let added = InventoryGenerator.makeAIModelKey(index: 40, projectID: a, now: 1_800_000_000, using: &random)
            let transient = InventoryGenerator.makeAIModelKey(index: 41, projectID: b, now: 1_800_000_000, using: &random)
            simulator.changeAIModelKey(orgID: Self.orgID, .create(added), actor: Self.actor)
            simulator.changeAIModelKey(orgID: Self.orgID, .delete(id: keys[0].id), actor: Self.actor)
            simulator.changeAIModelKey(orgID: Self.orgID, .rename(id: keys[1].id, name: "renamed"), actor: Self.actor)
            simulator.changeAIModelKey(orgID: Self.orgID, .setStatus(id: keys[2].id, status: "SUSPENDED"), actor: Self.actor)
            simulator.changeAIModelKey(orgID: Self.orgID, .create(transient), actor: Self.actor)
            simulator.changeAIModelKey(orgID: Self.orgID, .delete(id: transient.id), actor: Self.actor)
            simulator.recordProjectEvent(projectID: b, type: "GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRING")
            let projectOf = { (key: SimulatedAIModelKey) in key.projectID }
            var events: [String: [String: Int]] = [:]
            events[a, default: [:]]["AI_MODELS_APIS_API_KEY_CREATED", default: 0] += 1
            events[projectOf(keys[0]), default: [:]]["AI_MODELS_APIS_API_KEY_DELETED", default: 0] += 1
            events[projectOf(keys[1]), default: [:]]["AI_MODELS_APIS_API_KEY_UPDATED", default: 0] += 1
            events[projectOf(keys[2]), default: [:]]["AI_MODELS_APIS_API_KEY_UPDATED", default: 0] += 1
            events[b, default: [:]]["AI_MODELS_APIS_API_KEY_CREATED", default: 0] += 1
            events[b, default: [:]]["AI_MODELS_APIS_API_KEY_DELETED", default: 0] += 1
            events[b, default: [:]]["GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRING", default: 0] += 1
            let changes = ["added": 1, "removed": 1, "renamed": 1, "status_changed": 1]
            let round = Self.expected(events: events, transient: 1, changes: changes)

            (org, error) = try await collectOnce([AIModelKeysCollector(), ProjectFeedCollector()], org,
                                             baseURL: running.baseURL(), sink: sink)
            #expect(error == nil, "\(String(describing: error))")
            AIModelKeySpecTests.expectLines(Self.lines(org), round, "after a round of changes")
            (org, error) = try await collectOnce([AIModelKeysCollector(), ProjectFeedCollector()], org,
                                             baseURL: running.baseURL(), sink: sink)
            AIModelKeySpecTests.expectLines(Self.lines(org), round, "a poll later")
            let logs = sink.captured.joined(separator: "\n")
            #expect(logs.contains("ai model api keys lived less than a poll interval"))
            #expect(sink.captured.filter { $0.contains("ai model api key change") && $0.contains("mallory@example.com") }.count == 4,
                    "each listing change logged once, naming who acted")
            for key in simulator.inventory.orgs[0].aiModelKeys { #expect(!logs.contains(key.maskedSecret)) }

            // Project B refused: A still counted, B kept, the error names the refusal.
            var faults = simulator.faults
            faults.refusedProjectFeeds = [b]
            simulator.faults = faults
            simulator.recordProjectEvent(projectID: a, type: "GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRED")
            (org, error) = try await collectOnce([AIModelKeysCollector(), ProjectFeedCollector()], org,
                                             baseURL: running.baseURL(), sink: sink)
            guard case .http(403, _, _) = try #require(error) else { Issue.record("not a 403"); return }
            events[a, default: [:]]["GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRED", default: 0] += 1
            AIModelKeySpecTests.expectLines(Self.lines(org), Self.expected(events: events, transient: 1, changes: changes), "B refused")
            #expect(org.projectFeed?.failures.keys.sorted() == [b])
            #expect(ProjectFeedCollector.statusCells(org).first?.text?.contains("B (auth") == true)
        }
    }
}
