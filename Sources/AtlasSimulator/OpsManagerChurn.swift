/// One change `InventoryChurn` made to the Ops Manager parts of an inventory.
public enum SimulatedOpsManagerChange: Sendable, Equatable {
    case globalKeyAdded(keyID: String)
    case globalKeyRemoved(keyID: String)
    case globalKeyRolesChanged(keyID: String, before: [String], after: [String])
    case globalKeyDescriptionChanged(keyID: String)
    case accessEntryAdded(entryID: String)
    case accessEntryRemoved(entryID: String)
    case agentKeyAdded(projectID: String, keyID: String)
    case agentKeyRemoved(projectID: String, keyID: String)

    /// A name for the kind, e.g. for counting that a run made every kind.
    public var kind: String {
        switch self {
        case .globalKeyAdded: "global_key_added"
        case .globalKeyRemoved: "global_key_removed"
        case .globalKeyRolesChanged: "global_key_roles_changed"
        case .globalKeyDescriptionChanged: "global_key_description_changed"
        case .accessEntryAdded: "access_entry_added"
        case .accessEntryRemoved: "access_entry_removed"
        case .agentKeyAdded: "agent_key_added"
        case .agentKeyRemoved: "agent_key_removed"
        }
    }

    public static let globalKinds = [
        "global_key_added", "global_key_removed", "global_key_roles_changed", "global_key_description_changed",
        "access_entry_added", "access_entry_removed",
    ]
    public static let agentKinds = ["agent_key_added", "agent_key_removed"]
}

/// The Ops Manager half of `InventoryChurn`: global keys added, removed, given or stripped of `GLOBAL_OWNER` (or
/// given a new role set) and renamed; global access-list entries added and removed; agent keys added to and removed
/// from random projects. Cloud Manager gets only the agent key changes, Atlas none. Draws from a stream of its own,
/// so an Atlas inventory churns exactly as it did before these parts existed.
struct OpsManagerChurn {
    static let seedSalt: UInt64 = 0x0B5_C4A2_0000_0001
    private var random: SeededGenerator
    /// New agent keys get `_id`s from here: decimal like the recorded ones, and never reused.
    private var nextIndex = 3_000_000

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed ^ Self.seedSalt)
    }

    /// Whether a step changes the Ops Manager parts instead of an org: one step in two where the flavor has them.
    mutating func takesStep(_ flavor: SimulatedFlavor) -> Bool {
        flavor != .atlas && Bool.random(using: &random)
    }

    /// One random change of a kind the flavor serves, made at `now` (Unix seconds); nil when there is nothing to
    /// change (Atlas, or agent keys without any project).
    mutating func change(_ inventory: inout SimulatedInventory, generator: InventoryGenerator,
                         now: UInt32) -> SimulatedOpsManagerChange? {
        let flavor = inventory.flavor
        guard flavor != .atlas else { return nil }
        nextIndex += 1
        var kind = flavor.hasGlobalKeys ? Int.random(in: 0..<8, using: &random) : Int.random(in: 6..<8, using: &random)
        // Nothing to remove or change: add instead.
        if (1...3).contains(kind), inventory.globalKeys.isEmpty { kind = 0 }
        if kind == 5, inventory.globalAccessList.isEmpty { kind = 4 }
        switch kind {
        case 0:
            let key = generator.makeGlobalKey(index: nextIndex, created: now, using: &random)
            inventory.globalKeys.append(key)
            return .globalKeyAdded(keyID: key.id)
        case 1:
            let removed = inventory.globalKeys.remove(at: Int.random(in: 0..<inventory.globalKeys.count, using: &random))
            return .globalKeyRemoved(keyID: removed.id)
        case 2:
            let index = Int.random(in: 0..<inventory.globalKeys.count, using: &random)
            let before = inventory.globalKeys[index].roles
            inventory.globalKeys[index].roles = newRoles(before)
            return .globalKeyRolesChanged(keyID: inventory.globalKeys[index].id, before: before,
                                          after: inventory.globalKeys[index].roles)
        case 3:
            let index = Int.random(in: 0..<inventory.globalKeys.count, using: &random)
            inventory.globalKeys[index].desc = "Renamed by the churn #\(nextIndex)"
            return .globalKeyDescriptionChanged(keyID: inventory.globalKeys[index].id)
        case 5:
            let index = Int.random(in: 0..<inventory.globalAccessList.count, using: &random)
            return .accessEntryRemoved(entryID: inventory.globalAccessList.remove(at: index).id)
        case 4:
            let entry = generator.makeGlobalAccessEntry(index: nextIndex, created: now, using: &random)
            inventory.globalAccessList.append(entry)
            return .accessEntryAdded(entryID: entry.id)
        default:
            return changeAgentKeys(&inventory, remove: kind == 7, generator: generator, now: now)
        }
    }

    /// `GLOBAL_OWNER` given or taken two times in three (a key never ends without a role), else a fresh role set.
    private mutating func newRoles(_ roles: [String]) -> [String] {
        guard Int.random(in: 0..<3, using: &random) > 0 else {
            let fresh = [InventoryGenerator.pick(InventoryGenerator.globalRoleWeights, using: &random)]
            return fresh == roles ? ["GLOBAL_READ_ONLY", "GLOBAL_MONITORING_ADMIN"] : fresh
        }
        if roles.contains("GLOBAL_OWNER") {
            let rest = roles.filter { $0 != "GLOBAL_OWNER" }
            return rest.isEmpty ? ["GLOBAL_READ_ONLY"] : rest
        }
        return roles + ["GLOBAL_OWNER"]
    }

    /// Adds a key to a random project, or removes one from it (adds if it has none).
    private mutating func changeAgentKeys(_ inventory: inout SimulatedInventory, remove: Bool,
                                          generator: InventoryGenerator, now: UInt32) -> SimulatedOpsManagerChange? {
        let places = inventory.orgs.indices.flatMap { org in inventory.orgs[org].projects.indices.map { (org, $0) } }
        guard !places.isEmpty else { return nil }
        let (org, project) = places[Int.random(in: 0..<places.count, using: &random)]
        let projectID = inventory.orgs[org].projects[project].id
        let count = inventory.orgs[org].projects[project].agentKeys.count
        if remove, count > 0 {
            let removed = inventory.orgs[org].projects[project].agentKeys.remove(at: Int.random(in: 0..<count, using: &random))
            return .agentKeyRemoved(projectID: projectID, keyID: removed.id)
        }
        let created = UInt64(now) * 1_000 + UInt64.random(in: 0..<1_000, using: &random)
        let key = generator.makeAgentKey(id: String(nextIndex), createdMilliseconds: created, using: &random)
        inventory.orgs[org].projects[project].agentKeys.append(key)
        return .agentKeyAdded(projectID: projectID, keyID: key.id)
    }
}
