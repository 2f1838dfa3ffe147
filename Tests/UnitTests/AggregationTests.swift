import APIKeyExporter
import TestSupport
import Testing

@Suite("Aggregation of an org's keys")
struct AggregationTests {
    static let projectA = SampleKeys.projectA
    static let projectB = SampleKeys.projectB
    /// Four keys, counted by hand below (`SampleKeys.keys`).
    static let keys = SampleKeys.keys

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
