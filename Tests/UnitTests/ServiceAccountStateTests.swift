@testable import APIKeyExporter
import AtlasSimulator
import TestSupport
import Testing

/// How service-account changes are counted between two collections.
@Suite("Service account changes: by client id, secrets apart")
struct ServiceAccountStateTests {
    static func account(_ id: String, roles: Set<String> = ["ORG_MEMBER"], projects: [String: Set<String>] = [:],
                        secrets: [String] = ["s1"]) -> ServiceAccountRecord {
        ServiceAccountRecord(clientID: id, name: id, description: "", createdAt: 1, orgRoles: roles, projectRoles: projects,
                             secrets: Dictionary(uniqueKeysWithValues: secrets.map {
                                 ($0, ServiceAccountSecret(id: $0, createdAt: 1, expiresAt: 2, lastUsedAt: nil))
                             }), accessListEntries: nil)
    }

    @Test("the first collection is the baseline; then added, removed, roles and secrets count once each")
    func counting() {
        var state = ServiceAccountsState()
        #expect(state.record(["a": Self.account("a"), "b": Self.account("b")], at: 10).isEmpty)
        #expect(state.changes.counts == [.added: 0, .removed: 0, .rolesChanged: 0, .secretAdded: 0, .secretRemoved: 0])
        #expect(state.changes.countedSince == 10)
        let changes = state.record([
            "a": Self.account("a", roles: ["ORG_OWNER"], secrets: ["s1", "s2"]),    // roles changed, secret added
            "c": Self.account("c", secrets: ["s9", "s8"]),                          // added only (its secrets are part of it)
        ], at: 20)
        #expect(changes.count == 4)
        #expect(state.changes.counts == [.added: 1, .removed: 1, .rolesChanged: 1, .secretAdded: 1, .secretRemoved: 0])
        _ = state.record([
            "a": Self.account("a", roles: ["ORG_OWNER"], projects: ["p": ["GROUP_OWNER"]], secrets: ["s2"]),
            "c": Self.account("c", secrets: ["s9", "s8"]),
        ], at: 30)
        #expect(state.changes.counts == [.added: 1, .removed: 1, .rolesChanged: 2, .secretAdded: 1, .secretRemoved: 1])
        #expect(state.changes.countedSince == 10)
    }

    @Test("a randomized run of 200 mutations and rotations is counted exactly")
    func randomized() {
        var random = SeededGenerator(seed: 2024)
        var current: [String: ServiceAccountRecord] = [:]
        for index in 0..<8 { current["sa\(index)"] = Self.account("sa\(index)") }
        var state = ServiceAccountsState()
        _ = state.record(current, at: 0)
        var expected: [ServiceAccountChange: Int] = Dictionary(uniqueKeysWithValues: ServiceAccountChange.allCases.map { ($0, 0) })
        var next = 100
        for round in 0..<200 {
            next += 1
            switch Int.random(in: 0..<5, using: &random) {
            case 0:
                current["sa\(next)"] = Self.account("sa\(next)")
                expected[.added, default: 0] += 1
            case 1:
                if let id = current.keys.sorted().randomElement(using: &random) {
                    current[id] = nil
                    expected[.removed, default: 0] += 1
                }
            case 2:
                if let id = current.keys.sorted().randomElement(using: &random) {
                    current[id]?.orgRoles = ["ROLE_\(next)"]
                    expected[.rolesChanged, default: 0] += 1
                }
            case 3:
                // Rotation: a new secret, and the old ones go.
                if let id = current.keys.sorted().randomElement(using: &random), let old = current[id]?.secrets.count {
                    current[id]?.secrets = ["r\(next)": ServiceAccountSecret(id: "r\(next)", createdAt: 3, expiresAt: 4, lastUsedAt: nil)]
                    expected[.secretAdded, default: 0] += 1
                    expected[.secretRemoved, default: 0] += old
                }
            default:
                break  // a collection with nothing changed
            }
            _ = state.record(current, at: Double(round))
        }
        #expect(state.changes.counts == expected)
    }
}
