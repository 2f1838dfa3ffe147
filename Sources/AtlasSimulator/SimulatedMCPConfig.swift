/// A remote MCP configuration (Atlas' hosted MCP server for AI agents) of an org or one of its projects: the
/// ingress service account agents authenticate with, the egress one Atlas manages, the roles it acts with, its IP
/// access list and its secrets (the ingress account's).
public struct SimulatedMCPConfig: Sendable, Equatable {
    /// A UUID.
    public var id: String
    public var name: String
    /// Nil for an org-level configuration.
    public var projectID: String?
    public var clientID: String
    public var egressClientID: String
    public var roles: [String]
    public var accessList: [SimulatedAccessEntry]
    public var secrets: [SimulatedSecret]

    public init(id: String, name: String, projectID: String? = nil, clientID: String, egressClientID: String,
                roles: [String], accessList: [SimulatedAccessEntry] = [], secrets: [SimulatedSecret] = []) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.clientID = clientID
        self.egressClientID = egressClientID
        self.roles = roles
        self.accessList = accessList
        self.secrets = secrets
    }
}

extension InventoryGenerator {
    /// The org's MCP configurations, made of its system-managed accounts (no random draw, so every other
    /// generated value stays as it was): accounts taken in pairs, ingress and egress; a pair makes an org-level
    /// configuration where its index plus the org's is even, else one in the org's projects in turn. The ingress
    /// account's secrets and access list are the configuration's.
    static func mcpConfigs(orgIndex: Int, accounts: [SimulatedServiceAccount],
                           projects: [SimulatedProject]) -> [SimulatedMCPConfig] {
        let managed = accounts.filter(\.isSystemManaged)
        var configs: [SimulatedMCPConfig] = []
        var pair = 0
        while 2 * pair + 1 < managed.count {
            let (ingress, egress) = (managed[2 * pair], managed[2 * pair + 1])
            let project = (orgIndex + pair) % 2 == 0 || projects.isEmpty ? nil : projects[pair / 2 % projects.count]
            configs.append(SimulatedMCPConfig(
                id: mcpConfigID(orgIndex: orgIndex, index: pair), name: "agents-\(orgIndex + 1)-\(pair + 1)",
                projectID: project?.id, clientID: ingress.clientID, egressClientID: egress.clientID,
                roles: project == nil ? ["ORG_READ_ONLY"] : ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"],
                accessList: ingress.accessList, secrets: ingress.secrets))
            pair += 1
        }
        return configs
    }

    /// Every third account gets an access list of its own in the first project it has roles in: its org list's
    /// first entry (used as that one is), else a block never used. No random draw.
    static func addProjectAccessLists(to accounts: inout [SimulatedServiceAccount]) {
        for index in accounts.indices where index % 3 == 0 {
            guard let projectID = accounts[index].projectIDs.first else { continue }
            let created = accounts[index].created
            accounts[index].projectAccessLists[projectID] = [accounts[index].accessList.first
                ?? SimulatedAccessEntry(address: "192.0.2.0/24", created: created, lastUsed: nil)]
        }
    }

    /// A UUID (version 4 layout) from the org's and the configuration's index.
    public static func mcpConfigID(orgIndex: Int, index: Int) -> String {
        let tail = String(orgIndex &* 1_000 &+ index, radix: 16)
        return "6d637000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - tail.count)) + tail
    }
}
