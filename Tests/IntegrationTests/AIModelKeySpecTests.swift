@testable import APIKeyExporter
import Foundation
import TestSupport
import Testing

/// The model API key collector against Apache httpd serving bodies shaped as MongoDB's spec shows them
/// (`Tests/Fixtures/ai-model-keys/`), accepting only the 2025-03-12 media type on that path, as Atlas does: an API
/// we did not write, with microsecond times and offsets, `null` and absent `lastUsedAt`, unknown fields, and masked
/// and full secrets that must never come out.
@Suite("Model API keys against spec-shaped bodies served by Apache", .serialized)
struct AIModelKeySpecTests {
    static let orgID = "65f1c0a1b2c3d4e5f6a7b901"
    static let refusedOrgID = "65f1c0a1b2c3d4e5f6a7b902"
    static let missingOrgID = "65f1c0a1b2c3d4e5f6a7b903"
    static let prefix = "/api/atlas/v2"
    static let projectA = "69681d39c9e8cfd375386316"
    static let projectB = "69681d39c9e8cfd375386317"
    static let secrets = ["odu2", "x9q1", "7k3z", "q7w8", "al-****", "al-jZsluhPMzPM9CFXepRWwMwvpZDDra6tZMgoAZKdodu2"]

    static func path(_ orgID: String) -> String { "\(prefix)/orgs/\(orgID)/aiModelApiKeys" }

    static func render(_ orgs: [OrgStatus]) -> (text: String, lines: Set<String>) {
        var state = TargetState(name: "default")
        for org in orgs { state.orgs[org.orgID] = org }
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        return (text, Set(text.split(separator: "\n").filter { $0.hasPrefix("mongodb_ai_model") }.map(String.init)))
    }

    static func expectLines(_ lines: Set<String>, _ expected: Set<String>, _ when: String) {
        #expect(lines.subtracting(expected).isEmpty, "\(when) unexpected: \(lines.subtracting(expected).sorted())")
        #expect(expected.subtracting(lines).isEmpty, "\(when) missing: \(expected.subtracting(lines).sorted())")
    }

    @Test("every family exact after the first read, a round of changes, and a read later; no secret anywhere")
    func families() async throws {
        let apache = try await offPool {
            try ApacheServer(realm: "MMS Public API", users: [testPublicKey: testPrivateKey], files: [
                Self.path(Self.orgID): Repository.fixtureText("ai-model-keys/first.json"),
                Self.path(Self.refusedOrgID): Repository.fixtureText("ai-model-keys/first.json"),
            ], refusals: [Self.path(Self.refusedOrgID): 403],
               requiredAccept: [Self.prefix + "/orgs/": AtlasClient.aiModelKeyMediaType])
        }
        defer { apache.stop() }
        let baseURL = apache.baseURL + Self.prefix
        let sink = LogSink.capturing()
        let collector = AIModelKeysCollector()
        let labels = "target=\"default\",org_id=\"\(Self.orgID)\""
        let (a, b) = (Self.projectA, Self.projectB)
        let (prod, rag, rerank, new) = ("a86r5kwrfsk5r5ku5tgvhmpj", "b2k4m6p8r0t2v4x6z8b0d2f4", "c0ffee12c0ffee12c0ffee12",
                                        "d4e5f6g7h8i9j0k1l2m3n4o5")
        func changes(added: Int, removed: Int, renamed: Int, status: Int) -> Set<String> {
            ["mongodb_ai_model_api_key_changes_total{\(labels),change=\"added\"} \(added)",
             "mongodb_ai_model_api_key_changes_total{\(labels),change=\"removed\"} \(removed)",
             "mongodb_ai_model_api_key_changes_total{\(labels),change=\"renamed\"} \(renamed)",
             "mongodb_ai_model_api_key_changes_total{\(labels),change=\"status_changed\"} \(status)"]
        }

        var (org, error) = try await collectOnce([collector], OrgStatus(orgID: Self.orgID), baseURL: baseURL, sink: sink)
        #expect(error == nil, "\(String(describing: error))")
        let first: Set<String> = changes(added: 0, removed: 0, renamed: 0, status: 0).union([
            "mongodb_ai_model_api_keys{\(labels),project_id=\"\(a)\",status=\"ACTIVE\"} 2",
            "mongodb_ai_model_api_keys{\(labels),project_id=\"\(b)\",status=\"DISABLED\"} 1",
            "mongodb_ai_model_api_key_info{\(labels),project_id=\"\(a)\",key_id=\"\(prod)\",name=\"Production key\",created_by=\"John Doe\",status=\"ACTIVE\"} 1",
            "mongodb_ai_model_api_key_info{\(labels),project_id=\"\(a)\",key_id=\"\(rag)\",name=\"rag \\\"staging\\\"\",created_by=\"5f1e0a000000000000000a01\",status=\"ACTIVE\"} 1",
            "mongodb_ai_model_api_key_info{\(labels),project_id=\"\(b)\",key_id=\"\(rerank)\",name=\"rerank-batch\",created_by=\"alice@example.com\",status=\"DISABLED\"} 1",
            "mongodb_ai_model_api_key_created_timestamp_seconds{\(labels),project_id=\"\(a)\",key_id=\"\(prod)\"} 1768495669.855",
            "mongodb_ai_model_api_key_created_timestamp_seconds{\(labels),project_id=\"\(a)\",key_id=\"\(rag)\"} 1768903200",
            "mongodb_ai_model_api_key_created_timestamp_seconds{\(labels),project_id=\"\(b)\",key_id=\"\(rerank)\"} 1762127999.5",
            "mongodb_ai_model_api_key_last_used_timestamp_seconds{\(labels),project_id=\"\(a)\",key_id=\"\(prod)\"} 1769934615.25",
        ])
        Self.expectLines(Self.render([org]).lines, first, "first read")
        #expect(org.aiModelKeyTally == AIModelKeyTally(since: try #require(org.aiModelKeyTally?.since)))

        // A round later: one removed, one renamed, one re-enabled, one added (its creation answer's secret too).
        try Data(Repository.fixtureText("ai-model-keys/second.json").utf8).write(to: apache.root
            .appendingPathComponent("htdocs" + Self.path(Self.orgID)).appendingPathComponent(ApacheServer.bodyFile))
        (org, error) = try await collectOnce([collector], org, baseURL: baseURL, sink: sink)
        #expect(error == nil, "\(String(describing: error))")
        let second: Set<String> = changes(added: 1, removed: 1, renamed: 1, status: 1).union([
            "mongodb_ai_model_api_keys{\(labels),project_id=\"\(a)\",status=\"ACTIVE\"} 1",
            "mongodb_ai_model_api_keys{\(labels),project_id=\"\(b)\",status=\"ACTIVE\"} 2",
            "mongodb_ai_model_api_key_info{\(labels),project_id=\"\(a)\",key_id=\"\(prod)\",name=\"Production key (v2)\",created_by=\"John Doe\",status=\"ACTIVE\"} 1",
            "mongodb_ai_model_api_key_info{\(labels),project_id=\"\(b)\",key_id=\"\(rerank)\",name=\"rerank-batch\",created_by=\"alice@example.com\",status=\"ACTIVE\"} 1",
            "mongodb_ai_model_api_key_info{\(labels),project_id=\"\(b)\",key_id=\"\(new)\",name=\"new embeddings\",created_by=\"Bob Builder\",status=\"ACTIVE\"} 1",
            "mongodb_ai_model_api_key_created_timestamp_seconds{\(labels),project_id=\"\(a)\",key_id=\"\(prod)\"} 1768495669.855",
            "mongodb_ai_model_api_key_created_timestamp_seconds{\(labels),project_id=\"\(b)\",key_id=\"\(rerank)\"} 1762127999.5",
            "mongodb_ai_model_api_key_created_timestamp_seconds{\(labels),project_id=\"\(b)\",key_id=\"\(new)\"} 1770023700.125",
            "mongodb_ai_model_api_key_last_used_timestamp_seconds{\(labels),project_id=\"\(a)\",key_id=\"\(prod)\"} 1770120000",
        ])
        Self.expectLines(Self.render([org]).lines, second, "after a round of changes")
        #expect(org.aiModelKeyTally?.added == [b: 1] && org.aiModelKeyTally?.removed == [a: 1])
        let logged = sink.captured.filter { $0.contains("ai model api key change") }
        #expect(logged.count == 4, "each change logged once: \(logged)")

        // A read later with nothing changed: nothing counted twice, nothing logged again.
        (org, error) = try await collectOnce([collector], org, baseURL: baseURL, sink: sink)
        #expect(error == nil)
        Self.expectLines(Self.render([org]).lines, second, "a read later")
        #expect(sink.captured.filter { $0.contains("ai model api key change") }.count == 4)

        // A 403 fails this org only; an org the API has no listing for answers 404: unsupported, not a failure.
        let (refused, refusal) = try await collectOnce([collector], OrgStatus(orgID: Self.refusedOrgID), baseURL: baseURL, sink: sink)
        guard case .http(403, _, _) = try #require(refusal) else { Issue.record("not a 403: \(String(describing: refusal))"); return }
        #expect(collector.unsupported(by: try #require(refusal)) == nil)
        #expect(refused.aiModelKeys?.hasCollected == false)
        Self.expectLines(Self.render([org, refused]).lines, second, "with a refused org")
        let (_, missing) = try await collectOnce([collector], OrgStatus(orgID: Self.missingOrgID), baseURL: baseURL, sink: sink)
        #expect(collector.unsupported(by: try #require(missing)) != nil)

        let (text, _) = Self.render([org, refused])
        let logs = sink.captured.joined(separator: "\n")
        for secret in Self.secrets {
            #expect(!text.contains(secret) && !logs.contains(secret), "a secret or its masked form came out: \(secret)")
        }
        let check = try await promtoolCheckMetrics(Array(text.utf8))
        #expect(check.status == 0, "\(check.output)")
    }

    @Test("another media type version is refused on that path (406): the collector asks for 2025-03-12 only")
    func mediaType() async throws {
        let apache = try await offPool {
            try ApacheServer(realm: "MMS Public API", users: [testPublicKey: testPrivateKey], files: [
                Self.path(Self.orgID): Repository.fixtureText("ai-model-keys/first.json"),
            ], requiredAccept: [Self.prefix + "/orgs/": "application/vnd.atlas.2023-01-01+json"])
        }
        defer { apache.stop() }
        let (_, error) = try await collectOnce([AIModelKeysCollector()], OrgStatus(orgID: Self.orgID),
                                                baseURL: apache.baseURL + Self.prefix, sink: LogSink.capturing())
        guard case .http(406, _, _) = try #require(error) else { Issue.record("not a 406: \(String(describing: error))"); return }
    }
}
