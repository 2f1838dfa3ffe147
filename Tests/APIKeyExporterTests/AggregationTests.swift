import APIKeyExporter
import Testing

@Suite("Aggregation of an org's keys")
struct AggregationTests {
    static let projectA = "5898b95f87d9d6270e8995d9"
    static let projectB = "5898b95f87d9d6270e8995da"

    /// Four keys, counted by hand below.
    static let keys = [
        // Org owner, owner and reader in A (the reader role listed twice, as a sloppy API might).
        APIKey(id: "5c47503320eef5699e1cce8d", publicKey: "aaaa", desc: "one", roles: [
            RoleAssignment(scope: .organization, roleName: "ORG_OWNER"),
            RoleAssignment(scope: .project(projectA), roleName: "GROUP_OWNER"),
            RoleAssignment(scope: .project(projectA), roleName: "GROUP_READ_ONLY"),
            RoleAssignment(scope: .project(projectA), roleName: "GROUP_READ_ONLY"),
        ]),
        // Member, reader in A and B.
        APIKey(id: "5c47503320eef5699e1cce8e", publicKey: "bbbb", desc: "two", roles: [
            RoleAssignment(scope: .organization, roleName: "ORG_MEMBER"),
            RoleAssignment(scope: .project(projectA), roleName: "GROUP_READ_ONLY"),
            RoleAssignment(scope: .project(projectB), roleName: "GROUP_READ_ONLY"),
        ]),
        // Two org roles, one of them unknown to us; no project.
        APIKey(id: "5c47503320eef5699e1cce8f", publicKey: "cccc", desc: "three", roles: [
            RoleAssignment(scope: .organization, roleName: "ORG_MEMBER"),
            RoleAssignment(scope: .organization, roleName: "ORG_FUTURE_ROLE"),
        ]),
        // No roles at all.
        APIKey(id: "5c47503320eef5699e1cce90", publicKey: "dddd", desc: "four", roles: []),
    ]

    @Test("counts keys by org role, project role and project")
    func handCountedInventory() {
        let aggregate = OrgAggregate(keys: Self.keys)
        #expect(aggregate.keyCount == 4)
        #expect(aggregate.keysByOrgRole == ["ORG_OWNER": 1, "ORG_MEMBER": 2, "ORG_FUTURE_ROLE": 1])
        #expect(aggregate.keysByProjectRole == [
            ProjectRole(projectID: Self.projectA, role: "GROUP_OWNER"): 1,
            ProjectRole(projectID: Self.projectA, role: "GROUP_READ_ONLY"): 2,
            ProjectRole(projectID: Self.projectB, role: "GROUP_READ_ONLY"): 1,
        ])
        #expect(aggregate.keysByProject == [Self.projectA: 2, Self.projectB: 1])
    }

    @Test("a snapshot sorts its keys by id whatever the API's order")
    func snapshotOrder() {
        let snapshot = OrgSnapshot(orgID: "o", keys: Self.keys.reversed(), completedAt: 0)
        #expect(snapshot.keys.map(\.id) == Self.keys.map(\.id))
        #expect(snapshot.aggregate == OrgAggregate(keys: Self.keys))
    }
}
