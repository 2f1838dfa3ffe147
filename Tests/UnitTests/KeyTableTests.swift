@testable import APIKeyExporter
import AtlasSimulator
import TestSupport
import Testing

@Suite("Key table: compact keys, the same answers")
struct KeyTableTests {
    static let projects = (0..<6).map { String(format: "5898b95f87d9d6270e8995%02x", $0) }
    static let roleNames = ["ORG_OWNER", "ORG_MEMBER", "GROUP_OWNER", "GROUP_READ_ONLY", "ORG_READ_ONLY"]

    /// Keys with repeated roles, ids listed twice, empty and non-ASCII text.
    static func randomKeys(_ count: Int, _ random: inout SeededGenerator) -> [APIKey] {
        (0..<count).map { _ in
            let id = Int.random(in: 0..<12, using: &random) == 0 ? "" : String(format: "5c47503320eef5699e%06x", Int.random(in: 0..<(count * 2), using: &random))
            let roles = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                let name = roleNames.randomElement(using: &random) ?? "ORG_MEMBER"
                return Bool.random(using: &random) ? RoleAssignment(scope: .organization, roleName: name)
                    : RoleAssignment(scope: .project(projects.randomElement(using: &random) ?? ""), roleName: name)
            }
            return APIKey(id: id, publicKey: RandomText.make(&random), desc: RandomText.make(&random), roles: roles)
        }
    }

    /// The aggregate as it was computed before the table: a Set of roles and projects per key.
    static func referenceAggregate(_ keys: [APIKey]) -> OrgAggregate {
        var aggregate = OrgAggregate()
        aggregate.keyCount = keys.count
        for key in keys {
            let roles = Set(key.roles)
            for role in roles {
                switch role.scope {
                case .organization: aggregate.keysByOrgRole[role.roleName, default: 0] += 1
                case .project(let id): aggregate.keysByProjectRole[ProjectRole(projectID: id, role: role.roleName), default: 0] += 1
                }
            }
            for project in Set(roles.compactMap { if case .project(let id) = $0.scope { id } else { nil } }) {
                aggregate.keysByProject[project, default: 0] += 1
            }
        }
        return aggregate
    }

    /// The diff as it was computed before the table: a dictionary of the first key per id.
    static func referenceChanges(from before: [APIKey], to after: [APIKey]) -> [KeyChange] {
        var previous = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [KeyChange] = []
        for key in after {
            guard let old = previous.removeValue(forKey: key.id) else {
                changes.append(KeyChange(kind: .added, before: nil, after: key))
                continue
            }
            if Set(old.roles) != Set(key.roles) { changes.append(KeyChange(kind: .rolesChanged, before: old, after: key)) }
            if old.desc != key.desc { changes.append(KeyChange(kind: .descriptionChanged, before: old, after: key)) }
        }
        for old in previous.values { changes.append(KeyChange(kind: .removed, before: old, after: nil)) }
        return changes.sorted { ($0.keyID, $0.kind) < ($1.keyID, $1.kind) }
    }

    @Test("every key reads back whole, sorted by id, listed twice kept, roles in the API's order", arguments: 0..<20)
    func readsBack(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        let keys = Self.randomKeys(Int.random(in: 0...300, using: &random), &random)
        let table = KeyTable(keys)
        let expected = keys.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        #expect(Array(table) == expected)
        #expect(table.ids == expected.map(\.id))
        #expect(table.publicKeys == expected.map(\.publicKey))
        #expect(table.roles == Array(Set(keys.flatMap(\.roles))).sorted())
    }

    @Test("two byte forms of one role (precomposed and combining accents) are one role: no crash, counted once")
    func equivalentRoles() throws {
        let precomposed = RoleAssignment(scope: .organization, roleName: "ORG_R\u{00C9}AD")
        let combining = RoleAssignment(scope: .organization, roleName: "ORG_RE\u{0301}AD")
        #expect(precomposed == combining, "Swift compares strings by canonical equivalence")
        let project = String(format: "5898b95f87d9d6270e8995%02x", 1)
        let keys = [
            APIKey(id: "5c47503320eef5699e1cce8d", publicKey: "a", desc: "", roles: [precomposed, combining]),
            APIKey(id: "5c47503320eef5699e1cce8e", publicKey: "b", desc: "", roles: [combining,
                RoleAssignment(scope: .project(project), roleName: "GROUP_\u{00C9}")]),
        ]
        let table = KeyTable(keys)
        #expect(table.roles.count == 2)
        #expect(OrgAggregate(keys: keys) == Self.referenceAggregate(keys))
        #expect(InventoryDiff.changes(from: keys, to: keys).isEmpty)
        // The same through the page reader, the accent escaped one way and written the other.
        let page = Array(#"{"results":[{"id":"a","roles":[{"roleName":"ORG_R\u00c9AD"}]},{"id":"b","roles":[{"roleName":"ORG_RE\u0301AD"}]}]}"#.utf8)
        var builder = KeyTableBuilder()
        #expect(KeyPageParser.parse(page, into: &builder)?.count == 2)
        let parsed = builder.build()
        #expect(parsed.roles.count == 1)
        #expect(OrgAggregate(table: parsed).keysByOrgRole.values.reduce(0, +) == 2)
    }

    @Test("a key or page that gives roles or results twice is left to JSONDecoder")
    func repeatedMembers() {
        for page in [#"{"results":[{"id":"a","roles":[{"roleName":"ORG_OWNER"}],"roles":[]}]}"#,
                     #"{"results":[{"id":"a"}],"results":[{"id":"b"}]}"#] {
            var builder = KeyTableBuilder()
            #expect(KeyPageParser.parse(Array(page.utf8), into: &builder) == nil, "\(page)")
            #expect(builder.count == 0)
        }
    }

    @Test("a row is 48 bytes, as the README and the type's comment say")
    func rowSize() {
        #expect(MemoryLayout<KeyTable.Row>.stride == 48)
    }

    @Test("the aggregate counts each key once per role and per project, as with sets", arguments: 0..<20)
    func aggregate(seed: Int) {
        var random = SeededGenerator(seed: UInt64(1000 + seed))
        let keys = Self.randomKeys(Int.random(in: 0...300, using: &random), &random)
        #expect(OrgAggregate(keys: keys) == Self.referenceAggregate(keys))
    }

    @Test("the diff against a held table finds exactly what the dictionary diff found", arguments: 0..<40)
    func diff(seed: Int) {
        var random = SeededGenerator(seed: UInt64(2000 + seed))
        let before = Self.randomKeys(Int.random(in: 0...200, using: &random), &random)
        var after = before.shuffled(using: &random)
        for _ in 0..<Int.random(in: 0...30, using: &random) where !after.isEmpty {
            let index = Int.random(in: 0..<after.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: after.remove(at: index)
            case 1: after.append(contentsOf: Self.randomKeys(1, &random))
            case 2: after[index].desc += "!"
            case 3: after[index].roles = after[index].roles.reversed() + after[index].roles  // same set: no change
            default: after[index].roles.append(RoleAssignment(scope: .organization, roleName: "ORG_BILLING_ADMIN"))
            }
        }
        #expect(InventoryDiff.changes(from: KeyTable(before), to: after) == Self.referenceChanges(from: before, to: after))
    }
}

@Suite("Key pages read into a table")
struct KeyPageIntoTableTests {
    @Test("pages read one after another make the table of all their keys; a page the reader refuses half-way leaves it as it was")
    func refusedPageRollsBack() throws {
        var random = SeededGenerator(seed: 5)
        let first = KeyTableTests.randomKeys(40, &random).filter { !$0.id.isEmpty }
        let second = KeyTableTests.randomKeys(40, &random).filter { !$0.id.isEmpty }
        func page(_ keys: [APIKey], extra: String = "") -> [UInt8] {
            let results = keys.map { key in
                let roles = key.roles.map { role -> String in
                    if case .project(let id) = role.scope { return #"{"groupId":"\#(id)","roleName":"\#(role.roleName)"}"# }
                    return #"{"orgId":"5980cfc70b6d97029d82e3f6","roleName":"\#(role.roleName)"}"#
                }
                return #"{"id":"\#(key.id)","publicKey":\#(jsonString(key.publicKey)),"desc":\#(jsonString(key.desc)),"roles":[\#(roles.joined(separator: ","))]}"#
            }
            return Array(#"{"results":[\#((results + (extra.isEmpty ? [] : [extra])).joined(separator: ","))],"totalCount":80}"#.utf8)
        }
        var builder = KeyTableBuilder()
        #expect(KeyPageParser.parse(page(first), into: &builder)?.count == first.count)
        let before = builder.build()
        // The second page ends with a broken key (a number for a description): all of that page is taken back.
        #expect(KeyPageParser.parse(page(second, extra: #"{"id":"zz","roles":[{"roleName":"ORG_OWNER"}],"desc":5}"#), into: &builder) == nil)
        #expect(Array(builder.build()) == Array(before))
        #expect(KeyPageParser.parse(page(second), into: &builder)?.totalCount == 80)
        #expect(Array(builder.build()) == (first + second).sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) })
    }

    /// `text` as a JSON string literal.
    func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
