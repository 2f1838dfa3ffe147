/// A role as the simulator stores it: exactly one of `orgID` / `projectID` is set.
public struct SimulatedRole: Sendable, Hashable {
    public var orgID: String?
    public var projectID: String?
    public var roleName: String

    public static func org(_ orgID: String, _ roleName: String) -> SimulatedRole {
        SimulatedRole(orgID: orgID, projectID: nil, roleName: roleName)
    }

    public static func project(_ projectID: String, _ roleName: String) -> SimulatedRole {
        SimulatedRole(orgID: nil, projectID: projectID, roleName: roleName)
    }
}

/// One entry of a key's or a service account's IP access list, with its usage (see `AccessUsage.swift`).
public struct SimulatedAccessEntry: Sendable, Equatable {
    /// An address (`203.0.113.7`) or a block (`203.0.113.0/24`).
    public var address: String
    public var created: UInt32
    /// Unix seconds of the last request through this entry; nil if never used (no usage is then served).
    public var lastUsed: UInt32?
    /// Requests through this entry (a key's `count`, an account's `requestCount`); 0 if never used.
    public var requestCount: Int
    /// The address the last request came from (inside `address`); nil if never used.
    public var lastUsedAddress: String?

    /// Without `requestCount` or `lastUsedAddress`, a used entry gets the usage the simulator always derived from
    /// it (`lastUsed % 97 + 1` requests, from the entry's own address), so entries made without usage stay equal.
    public init(address: String, created: UInt32, lastUsed: UInt32?, requestCount: Int? = nil,
                lastUsedAddress: String? = nil) {
        self.address = address
        self.created = created
        self.lastUsed = lastUsed
        self.requestCount = requestCount ?? lastUsed.map { Int($0 % 97) + 1 } ?? 0
        self.lastUsedAddress = lastUsedAddress ?? (lastUsed == nil ? nil : Self.host(address))
    }
}

public struct SimulatedKey: Sendable, Equatable {
    public var id: String
    public var publicKey: String
    public var desc: String
    public var roles: [SimulatedRole]
    /// Empty: the key is usable from any address.
    public var accessList: [SimulatedAccessEntry]

    public init(id: String, publicKey: String, desc: String, roles: [SimulatedRole], accessList: [SimulatedAccessEntry] = []) {
        self.id = id
        self.publicKey = publicKey
        self.desc = desc
        self.roles = roles
        self.accessList = accessList
    }
}

public struct SimulatedProject: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Agent API keys (Cloud and Ops Manager), in the order the API lists them.
    public var agentKeys: [SimulatedAgentKey]

    public init(id: String, name: String, agentKeys: [SimulatedAgentKey] = []) {
        self.id = id
        self.name = name
        self.agentKeys = agentKeys
    }
}

public struct SimulatedOrg: Sendable, Equatable {
    public var id: String
    public var name: String
    public var projects: [SimulatedProject]
    /// In the order the API lists them.
    public var keys: [SimulatedKey]
    /// Service accounts (Atlas only), in the order the API lists them.
    public var serviceAccounts: [SimulatedServiceAccount]
    /// Model API keys (Atlas v2 only), every project's, in the order the API lists them.
    public var aiModelKeys: [SimulatedAIModelKey] = []
    /// What `GET /orgs/{id}/settings` answers, and the security state the feed's org events follow.
    public var settings: SimulatedOrgSettings
    /// What `GET /orgs/{id}/delegationSettings` answers (Atlas' defaults for a new org unless set).
    public var delegation: SimulatedDelegationSettings
    /// Remote MCP configurations, org-level and of its projects, in the order the API lists them.
    public var mcpConfigs: [SimulatedMCPConfig] = []

    public init(id: String, name: String, projects: [SimulatedProject] = [], keys: [SimulatedKey] = [],
                serviceAccounts: [SimulatedServiceAccount] = [], settings: SimulatedOrgSettings = .atlasDefaults,
                delegation: SimulatedDelegationSettings = SimulatedDelegationSettings()) {
        self.id = id
        self.name = name
        self.projects = projects
        self.keys = keys
        self.serviceAccounts = serviceAccounts
        self.settings = settings
        self.delegation = delegation
    }
}

/// Everything the simulated API serves.
public struct SimulatedInventory: Sendable, Equatable {
    public var orgs: [SimulatedOrg]
    /// Which service the simulator answers as: it decides which Ops Manager endpoints exist.
    public var flavor: SimulatedFlavor
    /// Ops Manager's global API keys and global access list, in listing order (served only by its flavors).
    public var globalKeys: [SimulatedGlobalKey]
    public var globalAccessList: [SimulatedGlobalAccessEntry]

    public init(orgs: [SimulatedOrg], flavor: SimulatedFlavor = .atlas, globalKeys: [SimulatedGlobalKey] = [],
                globalAccessList: [SimulatedGlobalAccessEntry] = []) {
        self.orgs = orgs
        self.flavor = flavor
        self.globalKeys = globalKeys
        self.globalAccessList = globalAccessList
    }

    public func org(_ id: String) -> SimulatedOrg? {
        orgs.first { $0.id == id }
    }

    /// Index of the org, for mutating it in place.
    public func orgIndex(_ id: String) -> Int? {
        orgs.firstIndex { $0.id == id }
    }
}

/// A small, fast, seedable generator (SplitMix64), so a seed always yields the same inventory.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates realistic inventories: ObjectId key ids with creation times over the last three years,
/// weighted org roles, project roles spread over a few projects, and descriptions that include quotes,
/// backslashes, newlines and non-ASCII text.
public struct InventoryGenerator: Sendable {
    public var seed: UInt64
    /// Keys per org; the inventory has one org per entry.
    public var keysPerOrg: [Int]
    public var projectsPerOrg: Int
    /// Newest possible key creation time (Unix seconds).
    public var now: UInt32
    /// Service accounts per org, by org index; missing entries are 0. Accounts come from a random stream of their
    /// own, so the keys of a seed are the same with or without them.
    public var serviceAccountsPerOrg: [Int]
    /// The moment service account times are relative to (Unix seconds): secrets expired before it, expiring
    /// within 3 days, 14 days, or later. Defaults to `now`.
    public var secretClock: UInt32
    /// The Ops Manager parts (see `OpsManagerGenerator.swift`): the flavor, and how many global keys, global
    /// access-list entries and agent keys per project (a range) to make. Drawn from a stream of their own, so the
    /// orgs and keys of a seed are the same with or without them.
    public var flavor: SimulatedFlavor
    public var globalKeyCount: Int
    public var globalAccessListCount: Int
    public var agentKeysPerProject: ClosedRange<Int>
    /// The org (by index) whose settings leave fields out (see `PostureGenerator.swift`); nil: none does.
    public var orgOmittingSettings: Int? = 1

    public init(seed: UInt64 = 42, keysPerOrg: [Int], projectsPerOrg: Int = 5, now: UInt32 = 1_795_000_000,
                serviceAccountsPerOrg: [Int] = [], secretClock: UInt32? = nil, flavor: SimulatedFlavor = .atlas,
                globalKeyCount: Int = 0, globalAccessListCount: Int = 0, agentKeysPerProject: ClosedRange<Int> = 0...0) {
        self.seed = seed
        self.keysPerOrg = keysPerOrg
        self.projectsPerOrg = projectsPerOrg
        self.now = now
        self.serviceAccountsPerOrg = serviceAccountsPerOrg
        self.secretClock = secretClock ?? now
        self.flavor = flavor
        self.globalKeyCount = globalKeyCount
        self.globalAccessListCount = globalAccessListCount
        self.agentKeysPerProject = agentKeysPerProject
    }

    static let orgRoles: [(String, Int)] = [
        ("ORG_MEMBER", 45), ("ORG_READ_ONLY", 25), ("ORG_OWNER", 10), ("ORG_GROUP_CREATOR", 8),
        ("ORG_BILLING_ADMIN", 5), ("ORG_BILLING_READ_ONLY", 5), ("ORG_STREAM_PROCESSING_ADMIN", 2),
    ]
    static let projectRoles = [
        "GROUP_READ_ONLY", "GROUP_OWNER", "GROUP_DATA_ACCESS_READ_WRITE", "GROUP_DATA_ACCESS_READ_ONLY",
        "GROUP_DATA_ACCESS_ADMIN", "GROUP_CLUSTER_MANAGER", "GROUP_SEARCH_INDEX_EDITOR", "GROUP_BACKUP_MANAGER",
        "GROUP_OBSERVABILITY_VIEWER",
    ]
    static let descriptions = [
        "Terraform CI", "Backup automation", "Grafana read-only", "Deploy bot for \"payments\"",
        "Legacy key C:\\keys\\ops", "Ops team\nsecond line", "Überwachung – Prüfschlüssel ✓", "Data pipeline",
        "Atlas operator (k8s)", "Cost reports",
    ]

    public func generate() -> SimulatedInventory {
        var random = SeededGenerator(seed: seed)
        var accountRandom = SeededGenerator(seed: seed ^ Self.serviceAccountSeedSalt)
        var orgs: [SimulatedOrg] = []
        for (orgIndex, keyCount) in keysPerOrg.enumerated() {
            let orgID = Self.objectID(time: now - 200_000_000 + UInt32(orgIndex), using: &random)
            let projects = (0..<projectsPerOrg).map { projectIndex in
                SimulatedProject(id: Self.objectID(time: now - 150_000_000 + UInt32(projectIndex), using: &random),
                                 name: "Project \(projectIndex + 1) of org \(orgIndex + 1)")
            }
            var keys: [SimulatedKey] = []
            keys.reserveCapacity(keyCount)
            for keyIndex in 0..<keyCount {
                keys.append(makeKey(index: keyIndex, orgID: orgID, projects: projects, using: &random))
            }
            let accountCount = orgIndex < serviceAccountsPerOrg.count ? max(0, serviceAccountsPerOrg[orgIndex]) : 0
            let accounts = (0..<accountCount).map { index in
                makeServiceAccount(index: index, projects: projects, now: secretClock, using: &accountRandom)
            }
            var org = SimulatedOrg(id: orgID, name: "Org \(orgIndex + 1)", projects: projects, keys: keys,
                                   serviceAccounts: accounts)
            org.mcpConfigs = Self.mcpConfigs(orgIndex: orgIndex, accounts: accounts, projects: projects)
            Self.addProjectAccessLists(to: &org.serviceAccounts)
            orgs.append(org)
        }
        var inventory = SimulatedInventory(orgs: orgs, flavor: flavor)
        addOpsManagerParts(to: &inventory)
        addPosture(to: &inventory)
        return inventory
    }

    public func makeKey(index: Int, orgID: String, projects: [SimulatedProject],
                        using random: inout SeededGenerator) -> SimulatedKey {
        let created = now - UInt32.random(in: 0..<94_000_000, using: &random)
        var roles = [SimulatedRole.org(orgID, Self.pickOrgRole(using: &random))]
        if !projects.isEmpty {
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let project = projects.randomElement(using: &random)!
                let role = SimulatedRole.project(project.id, Self.projectRoles.randomElement(using: &random)!)
                if !roles.contains(role) { roles.append(role) }
            }
        }
        let publicKey = String((0..<8).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &random))) })
        let desc = "\(Self.descriptions[index % Self.descriptions.count]) #\(index + 1)"
        // About a third of keys have no access list (usable from anywhere); used entries were used after creation.
        var accessList: [SimulatedAccessEntry] = []
        for entry in 0..<max(0, Int.random(in: -1...3, using: &random)) {
            let used = Bool.random(using: &random)
                ? created + UInt32.random(in: 0...max(1, now - created), using: &random) : nil
            let address = "198.51.\(100 + entry).\(UInt8.random(in: 1...254, using: &random))" + (entry == 2 ? "/32" : "")
            accessList.append(SimulatedAccessEntry(address: address, created: created, lastUsed: used))
        }
        return SimulatedKey(id: Self.objectID(time: created, using: &random), publicKey: publicKey, desc: desc,
                            roles: roles, accessList: accessList)
    }

    static func pickOrgRole(using random: inout SeededGenerator) -> String {
        var pick = Int.random(in: 0..<orgRoles.reduce(0) { $0 + $1.1 }, using: &random)
        for (role, weight) in orgRoles {
            if pick < weight { return role }
            pick -= weight
        }
        return orgRoles[0].0
    }

    /// A MongoDB ObjectId: 4 bytes of big-endian creation time, then 8 random bytes, as 24 hex digits.
    public static func objectID(time: UInt32, using random: inout SeededGenerator) -> String {
        let tail = random.next()
        return hex(UInt64(time), digits: 8) + hex(tail, digits: 16)
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
