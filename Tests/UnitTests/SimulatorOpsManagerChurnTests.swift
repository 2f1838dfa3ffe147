import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The generator and churn behind the simulator's Ops Manager endpoints: seeded and deterministic, every kind of
/// change, Atlas inventories untouched, and listings that match the inventory accessors exactly.
@Suite("Simulator: Ops Manager generator and churn")
struct SimulatorOpsManagerChurnTests {
    static func generator(_ flavor: SimulatedFlavor, seed: UInt64 = 9) -> InventoryGenerator {
        InventoryGenerator(seed: seed, keysPerOrg: [6, 3], projectsPerOrg: 5, flavor: flavor, globalKeyCount: 200,
                           globalAccessListCount: 6, agentKeysPerProject: 0...4)
    }

    @Test("the flavor decides the parts; a seed makes the same orgs and keys with or without them")
    func generator() throws {
        let atlas = InventoryGenerator(seed: 9, keysPerOrg: [6, 3], projectsPerOrg: 5).generate()
        let opsManager = Self.generator(.opsManager).generate()
        #expect(opsManager == Self.generator(.opsManager).generate())
        #expect(opsManager.orgs.map(\.keys) == atlas.orgs.map(\.keys))
        #expect(opsManager.orgs.map { $0.projects.map(\.id) } == atlas.orgs.map { $0.projects.map(\.id) })
        #expect(atlas.globalKeys.isEmpty && atlas.globalAccessList.isEmpty && atlas.allAgentKeys.isEmpty)

        #expect(opsManager.flavor == .opsManager)
        #expect(opsManager.globalKeys.count == 200)
        #expect(Set(opsManager.globalKeys.map(\.id)).count == 200)
        #expect(opsManager.globalKeys.allSatisfy { $0.id.count == 24 && !$0.roles.isEmpty })
        let roles = Set(opsManager.globalKeys.flatMap(\.roles))
        #expect(roles == Set(GlobalRole.all + [GlobalRole.unlisted]))
        #expect(opsManager.globalKeysByRole.keys.count == 7)
        #expect(opsManager.globalAccessList.count == 6)
        #expect(opsManager.globalAccessList.contains { !$0.cidrBlock.contains("/") })

        let agentKeys = opsManager.allAgentKeys
        #expect(agentKeys.count > 10)
        #expect(opsManager.orgs.flatMap(\.projects).contains { $0.agentKeys.isEmpty })
        for org in opsManager.orgs {
            for project in org.projects {
                #expect(project.agentKeys.map(\.id) == project.agentKeys.indices.map { String($0 + 1) })
            }
        }
        #expect(Set(agentKeys.map(\.key.createdBy)) == ["USER", "PUBLIC_API", "PROVISIONING"])
        for entry in agentKeys where entry.key.createdBy == "PROVISIONING" {
            #expect(entry.key.createdUserID == nil && entry.key.createdIPAddress == nil)
        }
        #expect(agentKeys.allSatisfy { $0.key.maskedKey.count == 32 && $0.key.maskedKey.hasPrefix(String(repeating: "*", count: 28)) })

        let cloud = Self.generator(.cloudManager).generate()
        #expect(cloud.globalKeys.isEmpty && cloud.globalAccessList.isEmpty)
        #expect(cloud.allAgentKeys == agentKeys)
    }

    /// A simulator and churn on the generator's inventory, stepped `steps` times.
    static func churned(_ generator: InventoryGenerator, seed: UInt64, steps: Int) -> (AtlasSimulator, InventoryChurn) {
        let simulator = AtlasSimulator(inventory: generator.generate(), users: [:])
        let churn = InventoryChurn(simulator: simulator, generator: generator, seed: seed)
        for _ in 0..<steps { churn.step() }
        return (simulator, churn)
    }

    @Test("the churn is seeded and makes every kind of change, only those of the flavor")
    func churnKinds() throws {
        let (first, churn) = Self.churned(Self.generator(.opsManager), seed: 3, steps: 300)
        let (second, _) = Self.churned(Self.generator(.opsManager), seed: 3, steps: 300)
        #expect(first.inventory == second.inventory)
        let counts = churn.opsManagerChangeCounts
        #expect(Set(counts.keys) == Set(SimulatedOpsManagerChange.globalKinds + SimulatedOpsManagerChange.agentKinds))
        #expect(first.inventory.globalKeys != Self.generator(.opsManager).generate().globalKeys)

        let (_, cloud) = Self.churned(Self.generator(.cloudManager), seed: 3, steps: 100)
        #expect(Set(cloud.opsManagerChangeCounts.keys) == Set(SimulatedOpsManagerChange.agentKinds))
        let (atlas, atlasChurn) = Self.churned(InventoryGenerator(seed: 9, keysPerOrg: [6, 3]), seed: 3, steps: 100)
        #expect(atlasChurn.opsManagerChangeCounts.isEmpty)
        #expect(atlas.inventory.globalKeys.isEmpty && atlas.inventory.allAgentKeys.isEmpty)
        #expect(atlasChurn.stepOpsManager() == nil)
    }

    @Test("each change is what it says, in the inventory")
    func changesApply() throws {
        let (simulator, churn) = Self.churned(Self.generator(.opsManager), seed: 4, steps: 0)
        for _ in 0..<200 {
            let before = simulator.inventory
            let change = try #require(churn.stepOpsManager())
            let after = simulator.inventory
            switch change {
            case .globalKeyAdded(let id):
                #expect(after.globalKeys.last?.id == id && !before.globalKeys.contains { $0.id == id })
            case .globalKeyRemoved(let id):
                #expect(before.globalKeys.contains { $0.id == id } && !after.globalKeys.contains { $0.id == id })
            case .globalKeyRolesChanged(let id, let old, let new):
                #expect(old != new && !new.isEmpty)
                #expect(after.globalKeys.first { $0.id == id }?.roles == new)
            case .globalKeyDescriptionChanged(let id):
                #expect(after.globalKeys.first { $0.id == id }?.desc != before.globalKeys.first { $0.id == id }?.desc)
            case .accessEntryAdded(let id):
                #expect(after.globalAccessList.last?.id == id)
            case .accessEntryRemoved(let id):
                #expect(!after.globalAccessList.contains { $0.id == id })
            case .agentKeyAdded(let project, let id):
                #expect(after.agentKeys(projectID: project)?.last?.id == id)
            case .agentKeyRemoved(let project, let id):
                #expect(before.agentKeys(projectID: project)?.contains { $0.id == id } == true)
                #expect(after.agentKeys(projectID: project)?.contains { $0.id == id } == false)
            }
        }
    }

    @Test("after churn the served listings equal the inventory's accessors")
    func listingsFollowChurn() async throws {
        let generator = Self.generator(.opsManager)
        try await withSimulator(generator.generate()) { simulator, running in
            let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 5)
            for _ in 0..<80 { churn.stepOpsManager() }
            let inventory = simulator.inventory
            let prefix = "/api/public/v1.0"
            let keys = try await SimulatorRawGet.get(running, "\(prefix)/admin/apiKeys?itemsPerPage=500", accept: nil)
            let listed = try keys.results().map { ($0["id"] as? String ?? "", ($0["roles"] as? [[String: String]] ?? []).compactMap { $0["roleName"] }) }
            #expect(listed.map(\.0) == inventory.globalKeys.map(\.id))
            #expect(listed.map(\.1) == inventory.globalKeys.map(\.roles))
            let entries = try await SimulatorRawGet.get(running, "\(prefix)/admin/accessList?itemsPerPage=500", accept: nil)
            #expect(try entries.results().compactMap { $0["id"] as? String } == inventory.globalAccessList.map(\.id))
            for project in inventory.orgs.flatMap(\.projects) {
                let answer = try await SimulatorRawGet.get(running, "\(prefix)/groups/\(project.id)/agentapikeys", accept: nil)
                #expect(try SimulatorOpsManagerTests.array(answer).compactMap { $0["_id"] as? String } == project.agentKeys.map(\.id))
            }
        }
    }
}
