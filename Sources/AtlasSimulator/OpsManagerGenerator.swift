/// The Ops Manager parts of a generated inventory: global API keys with weighted global roles (now and then one
/// outside the documented six), global access-list entries (blocks and bare addresses, as MongoDB's recorded body
/// has one), and agent keys per project whose ids count from "1" within each project, as in the recorded bodies.
extension InventoryGenerator {
    static let opsManagerSeedSalt: UInt64 = 0x0B5_0000_6E0B_A1E5
    static let agentKeySeedSalt: UInt64 = 0xA6E_0000_0000_0A6E

    static let globalRoleWeights: [(String, Int)] = [
        ("GLOBAL_READ_ONLY", 40), ("GLOBAL_MONITORING_ADMIN", 15), ("GLOBAL_AUTOMATION_ADMIN", 12),
        ("GLOBAL_OWNER", 10), ("GLOBAL_BACKUP_ADMIN", 10), ("GLOBAL_USER_ADMIN", 8), (GlobalRole.unlisted, 5),
    ]
    static let globalDescriptions = [
        "Ops Manager backup daemon", "Terraform (global)", "Monitoring \"federation\"", "Break-glass owner",
        "Kubernetes operator", "Audit export C:\\audit", "Nightly\nreport", "Globale Überwachung ✓",
    ]
    /// Who creates agent keys, weighted as the recorded bodies and real projects suggest.
    static let agentKeyCreators: [(String, Int)] = [("USER", 50), ("PUBLIC_API", 30), ("PROVISIONING", 20)]
    static let agentKeyUsers = ["5f1e0a000000000000000a01", "5f1e0a000000000000000a02", "21"]

    /// Adds the Ops Manager parts that `flavor` serves, from random streams of their own: the orgs and keys a seed
    /// makes do not change, and its agent keys are the same on Cloud and Ops Manager.
    func addOpsManagerParts(to inventory: inout SimulatedInventory) {
        var random = SeededGenerator(seed: seed ^ Self.opsManagerSeedSalt)
        if flavor.hasGlobalKeys {
            inventory.globalKeys = (0..<max(0, globalKeyCount)).map { makeGlobalKey(index: $0, using: &random) }
            inventory.globalAccessList = (0..<max(0, globalAccessListCount)).map {
                makeGlobalAccessEntry(index: $0, using: &random)
            }
        }
        guard flavor.hasAgentKeys else { return }
        random = SeededGenerator(seed: seed ^ Self.agentKeySeedSalt)
        let lower = max(0, agentKeysPerProject.lowerBound)
        let upper = max(lower, agentKeysPerProject.upperBound)
        for orgIndex in inventory.orgs.indices {
            for projectIndex in inventory.orgs[orgIndex].projects.indices {
                let count = Int.random(in: lower...upper, using: &random)
                inventory.orgs[orgIndex].projects[projectIndex].agentKeys = (0..<count).map { index in
                    makeAgentKey(id: String(index + 1), using: &random)
                }
            }
        }
    }

    /// Global key `index`: created within the three years before `created` (default `now`), one or two roles.
    public func makeGlobalKey(index: Int, created: UInt32? = nil, using random: inout SeededGenerator) -> SimulatedGlobalKey {
        let time = created ?? Self.minus(now, UInt32.random(in: 0..<94_000_000, using: &random))
        var roles = [Self.pick(Self.globalRoleWeights, using: &random)]
        if Int.random(in: 0..<4, using: &random) == 0 {
            let second = Self.pick(Self.globalRoleWeights, using: &random)
            if !roles.contains(second) { roles.append(second) }
        }
        let publicKey = String((0..<8).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &random))) })
        let desc = "\(Self.globalDescriptions[index % Self.globalDescriptions.count]) #\(index + 1)"
        return SimulatedGlobalKey(id: Self.objectID(time: time, using: &random), publicKey: publicKey, desc: desc,
                                  roles: roles)
    }

    /// Global access-list entry `index`: a /16 block, a bare address or a /32, in turn.
    public func makeGlobalAccessEntry(index: Int, created: UInt32? = nil,
                                      using random: inout SeededGenerator) -> SimulatedGlobalAccessEntry {
        let time = created ?? Self.minus(now, UInt32.random(in: 0..<60_000_000, using: &random))
        let octet = UInt8.random(in: 1...254, using: &random)
        let cidrBlock: String
        switch index % 3 {
        case 0: cidrBlock = "10.\(octet).0.0/16"
        case 1: cidrBlock = "172.20.0.\(octet)"
        default: cidrBlock = "192.0.2.\(octet)/32"
        }
        let updated = Bool.random(using: &random) ? time : Self.plus(time, UInt32.random(in: 1...86_400, using: &random))
        return SimulatedGlobalAccessEntry(id: Self.objectID(time: time, using: &random), cidrBlock: cidrBlock,
                                          description: "Admin network \"\(index + 1)\"", created: time, updated: updated)
    }

    /// An agent key with this `_id`, created before `createdMilliseconds` (default: within the three years before
    /// `now`, with milliseconds). Keys made by provisioning have no user and no address, as in the recorded body.
    public func makeAgentKey(id: String, createdMilliseconds: UInt64? = nil,
                             using random: inout SeededGenerator) -> SimulatedAgentKey {
        let seconds = UInt64(Self.minus(now, UInt32.random(in: 0..<94_000_000, using: &random)))
        let created = createdMilliseconds ?? (seconds * 1_000 + UInt64.random(in: 0..<1_000, using: &random))
        let createdBy = Self.pick(Self.agentKeyCreators, using: &random)
        let suffix = Self.hex(random.next() & 0xFFFF, digits: 4)
        let user = Self.agentKeyUsers[Int.random(in: 0..<Self.agentKeyUsers.count, using: &random)]
        let address = "203.0.113.\(UInt8.random(in: 1...254, using: &random))"
        let desc: String
        switch createdBy {
        case "PROVISIONING": desc = "Generated by Provisioning"
        case "PUBLIC_API": desc = "Agent API Key for this project #\(id)"
        default: desc = id == "1" ? "Initial API Key" : "Agent key \"\(id)\" ✓"
        }
        let provisioned = createdBy == "PROVISIONING"
        return SimulatedAgentKey(id: id, keySuffix: suffix, desc: desc, createdMilliseconds: created,
                                 createdUserID: provisioned ? nil : user, createdIPAddress: provisioned ? nil : address,
                                 createdBy: createdBy)
    }

    /// A name drawn by weight.
    static func pick(_ weighted: [(String, Int)], using random: inout SeededGenerator) -> String {
        var draw = Int.random(in: 0..<max(1, weighted.reduce(0) { $0 + $1.1 }), using: &random)
        for (name, weight) in weighted {
            if draw < weight { return name }
            draw -= weight
        }
        return weighted.first?.0 ?? ""
    }
}
