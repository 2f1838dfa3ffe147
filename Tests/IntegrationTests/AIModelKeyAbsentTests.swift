@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// Where the API has neither model keys nor project feeds, the two collectors make no failing series: an Atlas
/// answering 404 everywhere (Apache with the posture fixtures) is told once and no longer asked; Ops Manager is
/// never asked.
@Suite("Model API keys and project feeds where the API has none", .serialized)
struct AIModelKeyAbsentTests {
    @Test("404 everywhere: one line per collector over two polls, no outcome, no series, the inventory unaffected")
    func notFoundEverywhere() async throws {
        let projects = """
            {"links":[],"results":[{"id":"65f1c0a1b2c3d4e5f6a7b8f1","name":"Shop","orgId":"\(PostureFixtures.fullOrgID)",
            "created":"2024-03-13T12:00:00Z","clusterCount":0}],"totalCount":1}
            """
        let (state, lines, log) = try await PostureSpecTests.poll(
            extraFiles: ["\(PostureFixtures.prefix)/orgs/\(PostureFixtures.fullOrgID)/groups": projects], polls: 2)
        #expect(log.filter { $0.contains("no model API keys (404)") }.count == 1)
        #expect(log.filter { $0.contains("no project activity feeds (404)") }.count == 1)
        for collector in ["ai_model_keys", "project_feed"] {
            #expect(state.collectorOutcomes[collector] == nil, "\(collector) unsupported: no outcome")
            #expect(!lines.contains { $0.contains("collector=\"\(collector)\"") }, "\(collector) unsupported: no series")
        }
        #expect(!lines.contains { $0.hasPrefix("mongodb_ai_model") || $0.hasPrefix("mongodb_project_security") })
        #expect(state.orgs.values.allSatisfy { $0.lastPollSucceeded })
        #expect(state.orgs[PostureFixtures.fullOrgID]?.projectNames.count == 1, "the project was listed, its feed asked")
    }

    @Test("Ops Manager: neither collector runs nor asks the API")
    func opsManager() async throws {
        let inventory = InventoryGenerator(seed: 41, keysPerOrg: [4], projectsPerOrg: 2, flavor: .opsManager,
                                           globalKeyCount: 1, globalAccessListCount: 1, agentKeysPerProject: 0...1).generate()
        try await withSimulator(inventory) { simulator, running in
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL("/api/public/v1.0"), orgs: .discover,
                                                               collectors: CollectorOptions()))
            let (_, state) = try await handle.poll()
            let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
            #expect(!text.contains("ai_model") && !text.contains("project_feed") && !text.contains("mongodb_project_security"))
            #expect(simulator.stats.aiModelKeyRequests == 0)
            #expect(!simulator.stats.recentPaths.contains { $0.contains("/groups/") && $0.hasSuffix("/events") })
        }
    }
}
