/// One service account as the last successful collection saw it: what the families render and the next
/// collection is compared with.
struct ServiceAccountRecord: Sendable, Equatable {
    var clientID: String
    var name: String
    var description: String
    var createdAt: Double?
    var orgRoles: Set<String>
    /// Roles by project id.
    var projectRoles: [String: Set<String>]
    /// By secret id.
    var secrets: [String: ServiceAccountSecret]
    /// Entries of its IP access list; nil unless access lists are read (`AccessListReading`).
    var accessListEntries: Int?
    /// Requests through its access list and the address of the latest; nil unless access lists are read.
    var accessListUsage: AccessListUsage?
    /// Its access list in each project it has roles in, by project id; empty unless access lists are read.
    var projectAccessLists: [String: ProjectAccessList] = [:]
    /// Owner label values (see `OwnerLabels`), from its name, then its description; empty when none is configured.
    var owners: [(String, String)] = []
    /// Whether Atlas manages it (listed only with `includeSystemManaged=true`).
    var systemManaged = false

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.clientID == rhs.clientID && lhs.name == rhs.name && lhs.description == rhs.description
            && lhs.createdAt == rhs.createdAt && lhs.orgRoles == rhs.orgRoles && lhs.projectRoles == rhs.projectRoles
            && lhs.secrets == rhs.secrets && lhs.accessListEntries == rhs.accessListEntries
            && lhs.accessListUsage == rhs.accessListUsage && lhs.owners.elementsEqual(rhs.owners, by: ==)
            && lhs.systemManaged == rhs.systemManaged && lhs.projectAccessLists == rhs.projectAccessLists
    }
}

/// A service account's access list in one project: its entries and their use.
struct ProjectAccessList: Sendable, Equatable {
    var entries: Int
    var usage: AccessListUsage
}

/// What a service account collection can change, as `mongodb_service_account_changes_total{change}` counts it.
enum ServiceAccountChange: String, ChangeKindSet, Comparable {
    case added, removed, rolesChanged = "roles_changed", secretAdded = "secret_added", secretRemoved = "secret_removed"

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An org's service accounts: the last good collection, whether the last one succeeded, and the change counts.
struct ServiceAccountsState: Sendable {
    /// By client id, from the last successful collection.
    var accounts: [String: ServiceAccountRecord] = [:]
    var hasCollected = false
    /// Counted from the first successful collection, which is the baseline.
    var changes = ChangeCounter<ServiceAccountChange>()

    /// Records a complete collection: the first one sets the baseline; later ones count what changed, by
    /// account (an account that appears counts `added` only, one that goes `removed` only; secrets are compared
    /// for accounts present in both).
    mutating func record(_ accounts: [String: ServiceAccountRecord], at time: Double) -> [(ServiceAccountChange, ServiceAccountRecord)] {
        var changes: [(ServiceAccountChange, ServiceAccountRecord)] = []
        if hasCollected {
            for (clientID, account) in accounts {
                guard let before = self.accounts[clientID] else {
                    changes.append((.added, account))
                    continue
                }
                if before.orgRoles != account.orgRoles || before.projectRoles != account.projectRoles {
                    changes.append((.rolesChanged, account))
                }
                for secretID in account.secrets.keys where before.secrets[secretID] == nil {
                    changes.append((.secretAdded, account))
                }
                for secretID in before.secrets.keys where account.secrets[secretID] == nil {
                    changes.append((.secretRemoved, account))
                }
            }
            for (clientID, account) in self.accounts where accounts[clientID] == nil {
                changes.append((.removed, account))
            }
        }
        self.changes.record(changes.map(\.0), at: time)
        self.accounts = accounts
        hasCollected = true
        return changes
    }
}

extension OrgStatus {
    /// Nil unless the service-account collector has run for this org.
    var serviceAccounts: ServiceAccountsState? {
        get { collected[ServiceAccountsState.self] }
        set { collected[ServiceAccountsState.self] = newValue }
    }
}
