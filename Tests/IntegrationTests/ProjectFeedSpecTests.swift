@testable import APIKeyExporter
import Foundation
import TestSupport
import Testing

/// The project feed against Apache httpd serving a body shaped as MongoDB's spec shows it
/// (`Tests/Fixtures/project-feed/`): one project readable, one refused (403), each event counted once.
@Suite("Project feed against spec-shaped bodies served by Apache", .serialized)
struct ProjectFeedSpecTests {
    static let orgID = "65f1c0a1b2c3d4e5f6a7b901"
    static let readable = "69681d39c9e8cfd375386316"
    static let refused = "69681d39c9e8cfd375386317"
    static let prefix = "/api/atlas/v2"

    @Test("a refused project fails alone; the other's events counted exactly once; 404 everywhere is unsupported")
    func families() async throws {
        let apache = try await offPool {
            try ApacheServer(realm: "MMS Public API", users: [testPublicKey: testPrivateKey], files: [
                "\(Self.prefix)/groups/\(Self.readable)/events": Repository.fixtureText("project-feed/events.json"),
                "\(Self.prefix)/groups/\(Self.refused)/events": Repository.fixtureText("project-feed/events.json"),
            ], refusals: ["\(Self.prefix)/groups/\(Self.refused)/events": 403])
        }
        defer { apache.stop() }
        let baseURL = apache.baseURL + Self.prefix
        let sink = LogSink.capturing()
        var org = OrgStatus(orgID: Self.orgID)
        org.projectNames = [Self.readable: "Readable", Self.refused: "Refused"]
        let labels = "target=\"default\",org_id=\"\(Self.orgID)\",project_id=\"\(Self.readable)\""
        let counts = ["AI_MODELS_APIS_API_KEY_CREATED": 1, "AI_MODELS_APIS_API_KEY_DELETED": 1, "AI_MODELS_APIS_API_KEY_UPDATED": 1,
                      "GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRING": 2]
        let expected = Set(ProjectEventType.allCases.map { type in
            "mongodb_project_security_events_total{\(labels),event_type=\"\(type.rawValue)\"} \(counts[type.rawValue] ?? 0)"
        })
        for round in 1...2 {
            let result = try await collectOnce([ProjectFeedCollector()], org, baseURL: baseURL, sink: sink)
            org = result.0
            let error = result.1
            guard case .http(403, _, _) = try #require(error) else { Issue.record("not a 403: \(String(describing: error))"); return }
            var state = TargetState(name: "default")
            state.orgs[org.orgID] = org
            let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
            let lines = Set(text.split(separator: "\n").filter { $0.hasPrefix("mongodb_project_security_events_total{") }.map(String.init))
            AIModelKeySpecTests.expectLines(lines, expected, "round \(round)")
            #expect(!text.contains("odu2") && !sink.captured.joined().contains("odu2"))
        }
        #expect(org.projectFeed?.failures.keys.sorted() == [Self.refused])
        #expect(sink.captured.filter { $0.contains("project security event") }.count == 5, "each event logged once")
        #expect(sink.captured.contains { $0.contains("actor=\"api key robotkey\"") || $0.contains("actor=api key robotkey") })

        // Projects whose feeds all answer 404: an API without them, unsupported (no failing series).
        var missing = OrgStatus(orgID: Self.orgID)
        missing.projectNames = ["69681d39c9e8cfd375386318": "Gone"]
        let (_, notFound) = try await collectOnce([ProjectFeedCollector()], missing, baseURL: baseURL, sink: sink)
        #expect(ProjectFeedCollector().unsupported(by: try #require(notFound)) != nil)
        // One gone project among readable ones is no failure.
        missing.projectNames[Self.readable] = "Readable"
        let (_, none) = try await collectOnce([ProjectFeedCollector()], missing, baseURL: baseURL, sink: sink)
        #expect(none == nil)
    }
}
