/// One secret of a service account. The API never lists the secret itself, only a masked form of it.
public struct SimulatedSecret: Sendable, Equatable {
    /// 24 hex digits.
    public var id: String
    /// Unix seconds.
    public var created: UInt32
    public var expires: UInt32
    /// Unix seconds of the last use; nil if never used (the API then omits `lastUsedAt`).
    public var lastUsed: UInt32?
    /// When set, every time of this secret is written with these milliseconds (`…T03:04:05.123Z`), as the API
    /// sometimes does; nil writes whole seconds.
    public var milliseconds: UInt16?

    public init(id: String, created: UInt32, expires: UInt32, lastUsed: UInt32? = nil, milliseconds: UInt16? = nil) {
        self.id = id
        self.created = created
        self.expires = expires
        self.lastUsed = lastUsed
        self.milliseconds = milliseconds
    }

    /// What listings show instead of the secret: `mdb_sa_sk_...` and the last four hex digits of the id.
    public var maskedValue: String {
        "mdb_sa_sk_..." + String(id.suffix(4))
    }
}

/// An Atlas service account (OAuth client) of an organization, with its org roles, its project memberships,
/// its secrets and its IP access list.
public struct SimulatedServiceAccount: Sendable, Equatable {
    /// `mdb_sa_id_` and 24 hex digits.
    public var clientID: String
    public var name: String
    public var description: String
    /// Unix seconds.
    public var created: UInt32
    /// As `SimulatedSecret.milliseconds`, for `createdAt`.
    public var milliseconds: UInt16?
    /// Org role names (`ORG_OWNER`, …).
    public var orgRoles: [String]
    /// Project role names by project id: the projects this account has access to.
    public var projectRoles: [String: [String]]
    public var secrets: [SimulatedSecret]
    /// Empty: the account is usable from any address.
    public var accessList: [SimulatedAccessEntry]
    /// Accounts Atlas manages itself; listings omit them unless asked with `includeSystemManaged=true`.
    public var isSystemManaged: Bool
    /// Its own access list in each project it has roles in, by project id (empty: usable from any address there).
    public var projectAccessLists: [String: [SimulatedAccessEntry]] = [:]

    public init(clientID: String, name: String, description: String = "", created: UInt32, milliseconds: UInt16? = nil,
                orgRoles: [String], projectRoles: [String: [String]] = [:], secrets: [SimulatedSecret] = [],
                accessList: [SimulatedAccessEntry] = [], isSystemManaged: Bool = false) {
        self.clientID = clientID
        self.name = name
        self.description = description
        self.created = created
        self.milliseconds = milliseconds
        self.orgRoles = orgRoles
        self.projectRoles = projectRoles
        self.secrets = secrets
        self.accessList = accessList
        self.isSystemManaged = isSystemManaged
    }

    /// The longest an older secret lives on once a new one is created (Atlas' rule).
    public static let rotationGrace: UInt32 = 7 * 86_400

    /// Adds `secret` the way Atlas rotates: every older secret now expires at most `rotationGrace` after the new
    /// secret's creation.
    public mutating func rotate(to secret: SimulatedSecret) {
        let (deadline, overflow) = secret.created.addingReportingOverflow(Self.rotationGrace)
        let latest = overflow ? UInt32.max : deadline
        for index in secrets.indices {
            secrets[index].expires = min(secrets[index].expires, latest)
        }
        secrets.append(secret)
    }

    /// The project ids this account has roles in, in a stable order.
    public var projectIDs: [String] {
        projectRoles.filter { !$0.value.isEmpty }.keys.sorted()
    }
}

extension SimulatedOrg {
    /// The account with this client id, if the org has it.
    public func serviceAccount(_ clientID: String) -> SimulatedServiceAccount? {
        serviceAccounts.first { $0.clientID == clientID }
    }
}

extension SimulatedInventory {
    /// The org that owns the project with this id, and the project.
    public func project(_ id: String) -> (org: SimulatedOrg, project: SimulatedProject)? {
        for org in orgs {
            if let project = org.projects.first(where: { $0.id == id }) { return (org, project) }
        }
        return nil
    }
}
