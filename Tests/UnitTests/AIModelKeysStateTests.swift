@testable import APIKeyExporter
import Foundation
import Testing

/// The model API key state: decoding of the spec's shapes, change counting, and what a restart keeps.
@Suite("Model API keys: decoding, changes, storage")
struct AIModelKeysStateTests {
    static func record(_ id: String, name: String = "n", project: String = "p1", status: String = "ACTIVE") -> AIModelKeyRecord {
        AIModelKeyRecord(id: id, name: name, projectID: project, createdAt: 1, createdBy: "u", lastUsedAt: nil, status: status)
    }

    @Test("the spec's times (microseconds, offset) are read; secrets are not decoded; null and absent last use")
    func decoding() throws {
        let json = #"""
        [{"apiKeyId":"a86r5kwrfsk5r5ku5tgvhmpj","createdAt":"2026-01-15T16:47:49.855000+00:00","createdBy":"John Doe",
          "groupId":"69681d39c9e8cfd375386316","lastUsedAt":null,"maskedSecret":"al-****odu2","secret":"al-full-secret",
          "name":"Production key","status":"ACTIVE","cloud":"ANY"},
         {"apiKeyId":"b","createdAt":"2026-01-15T16:47:49Z","lastUsedAt":"2026-01-16T00:00:00.5+00:00"}]
        """#
        let keys = try JSONDecoder().decode([AIModelKey].self, from: Data(json.utf8))
        #expect(keys[0].createdAt == 1_768_495_669.855 && keys[0].lastUsedAt == nil && keys[0].groupId == "69681d39c9e8cfd375386316")
        #expect(keys[1].createdAt == 1_768_495_669 && keys[1].lastUsedAt == 1_768_521_600.5 && keys[1].status == "")
        let dump = "\(keys)"
        #expect(!dump.contains("odu2") && !dump.contains("al-full-secret"))
        #expect(AIModelKey.seconds("not a time") == nil && AIModelKey.seconds("2026-01-15T16:47:49.+00:00") == nil)
    }

    @Test("baseline first; then added, removed, renamed, status_changed once each; a read later counts nothing")
    func changes() {
        var state = AIModelKeysState()
        #expect(state.record(["a": Self.record("a"), "b": Self.record("b")], at: 10).isEmpty)
        #expect(state.changes.counts == [.added: 0, .removed: 0, .renamed: 0, .statusChanged: 0])
        let next = ["a": Self.record("a", name: "m", status: "DISABLED"), "c": Self.record("c")]
        let found = state.record(next, at: 20)
        #expect(found.map(\.0).sorted { $0.rawValue < $1.rawValue } == [.added, .removed, .renamed, .statusChanged])
        #expect(state.record(next, at: 30).isEmpty)
        #expect(state.changes.counts == [.added: 1, .removed: 1, .renamed: 1, .statusChanged: 1])
    }

    @Test("a restart keeps the keys; the first listing after it counts what changed meanwhile, once")
    func storage() throws {
        var org = OrgStatus(orgID: "o")
        var state = AIModelKeysState()
        _ = state.record(["a": Self.record("a"), "b": Self.record("b")], at: 10)
        org.aiModelKeys = state
        org.aiModelKeyTally = AIModelKeyTally(since: 10)
        let saved = try #require(AIModelKeysCollector.saved(org))
        let data = try JSONEncoder().encode(saved)
        #expect(!String(decoding: data, as: UTF8.self).contains("masked"))
        var restored = OrgStatus(orgID: "o")
        AIModelKeysCollector.restore(try JSONDecoder().decode(AIModelKeysCollector.Saved.self, from: data), into: &restored, restoredAt: 50)
        #expect(restored.aiModelKeys?.keys == state.keys && restored.aiModelKeyTally?.since == 10)
        var again = try #require(restored.aiModelKeys)
        #expect(again.record(["a": Self.record("a")], at: 60).map(\.0) == [.removed])
        #expect(again.changes.counts?[.removed] == 1 && again.changes.countedSince == 50)
    }
}
