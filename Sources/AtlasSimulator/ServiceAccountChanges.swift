/// A change to an org's service accounts, each recorded in the org's activity feed as its
/// `SERVICE_ACCOUNT_*` event. The event names no account (as in the real API); those about a project carry its id
/// (`groupId`).
public enum SimulatedServiceAccountChange: Sendable, Equatable {
    /// Adds the account; refused if the org has one with its client id.
    case create(SimulatedServiceAccount)
    case delete(clientID: String)
    /// Replaces the account's org roles.
    case setOrgRoles(clientID: String, roles: [String])
    /// Renames the account and replaces its description.
    case setDetails(clientID: String, name: String, description: String)
    /// Gives the account these roles in a project of the org it has none in; refused with no roles.
    case addToProject(clientID: String, projectID: String, roles: [String])
    case removeFromProject(clientID: String, projectID: String)
    /// Adds an entry to the account's access list; refused if it has one for the address.
    case addAccessListEntry(clientID: String, entry: SimulatedAccessEntry)
    case deleteAccessListEntry(clientID: String, address: String)
    /// Adds a secret the way Atlas rotates (`SimulatedServiceAccount.rotate`); refused if the id is taken.
    case addSecret(clientID: String, secret: SimulatedSecret)
    case deleteSecret(clientID: String, secretID: String)

    /// The event the change records.
    public var eventType: SimulatedServiceAccountEventType {
        switch self {
        case .create: .created
        case .delete: .deleted
        case .setOrgRoles: .rolesChanged
        case .setDetails: .detailsChanged
        case .addToProject: .addedToGroup
        case .removeFromProject: .removedFromGroup
        case .addAccessListEntry: .accessListEntryAdded
        case .deleteAccessListEntry: .accessListEntryDeleted
        case .addSecret: .secretAdded
        case .deleteSecret: .secretDeleted
        }
    }

    /// The project the event happened in, for the changes about one.
    var groupID: String? {
        switch self {
        case .addToProject(_, let projectID, _), .removeFromProject(_, let projectID): projectID
        default: nil
        }
    }

    /// Makes the change in `org`; false (and `org` unchanged) if it does not apply: an unknown account, project,
    /// entry or secret, or one already there.
    func apply(to org: inout SimulatedOrg) -> Bool {
        if case .create(let account) = self {
            guard org.serviceAccount(account.clientID) == nil else { return false }
            org.serviceAccounts.append(account)
            return true
        }
        guard let index = org.serviceAccounts.firstIndex(where: { $0.clientID == clientID }) else { return false }
        if case .delete = self {
            org.serviceAccounts.remove(at: index)
            return true
        }
        var account = org.serviceAccounts[index]
        guard change(&account, projects: Set(org.projects.map(\.id))) else { return false }
        org.serviceAccounts[index] = account
        return true
    }

    private var clientID: String {
        switch self {
        case .create(let account): account.clientID
        case .delete(let clientID), .setOrgRoles(let clientID, _), .setDetails(let clientID, _, _),
             .addToProject(let clientID, _, _), .removeFromProject(let clientID, _), .addAccessListEntry(let clientID, _),
             .deleteAccessListEntry(let clientID, _), .addSecret(let clientID, _), .deleteSecret(let clientID, _):
            clientID
        }
    }

    /// The change to one existing account (every case but create and delete); false if it does not apply.
    private func change(_ account: inout SimulatedServiceAccount, projects: Set<String>) -> Bool {
        switch self {
        case .create, .delete:
            return false
        case .setOrgRoles(_, let roles):
            account.orgRoles = roles
        case .setDetails(_, let name, let description):
            account.name = name
            account.description = description
        case .addToProject(_, let projectID, let roles):
            guard projects.contains(projectID), !roles.isEmpty, (account.projectRoles[projectID] ?? []).isEmpty else { return false }
            account.projectRoles[projectID] = roles
        case .removeFromProject(_, let projectID):
            guard !(account.projectRoles[projectID] ?? []).isEmpty else { return false }
            account.projectRoles[projectID] = nil
        case .addAccessListEntry(_, let entry):
            guard !account.accessList.contains(where: { $0.address == entry.address }) else { return false }
            account.accessList.append(entry)
        case .deleteAccessListEntry(_, let address):
            guard let entry = account.accessList.firstIndex(where: { $0.address == address }) else { return false }
            account.accessList.remove(at: entry)
        case .addSecret(_, let secret):
            guard !account.secrets.contains(where: { $0.id == secret.id }) else { return false }
            account.rotate(to: secret)
        case .deleteSecret(_, let secretID):
            guard let secret = account.secrets.firstIndex(where: { $0.id == secretID }) else { return false }
            account.secrets.remove(at: secret)
        }
        return true
    }
}

extension SimulatorState {
    /// Makes the change and records its event; nil (and no change) if the org is unknown or the change does not
    /// apply.
    @discardableResult
    mutating func changeServiceAccount(orgID: String, _ change: SimulatedServiceAccountChange, actor: SimulatedActor,
                                       address: String, at milliseconds: UInt64) -> SimulatedEvent? {
        guard let orgIndex = inventory.orgIndex(orgID), change.apply(to: &inventory.orgs[orgIndex]) else { return nil }
        generation += 1
        return events.append(orgID: orgID, type: change.eventType.rawValue, actor: actor, address: address,
                             targetPublicKey: nil, groupID: change.groupID, at: milliseconds)
    }
}

extension AtlasSimulator {
    /// Changes a service account and records its `SERVICE_ACCOUNT_*` event by `actor` from `address`, at
    /// `milliseconds` (nil: the simulator's event clock), in one step. Nil (and no change) if the org is unknown or
    /// the change does not apply.
    @discardableResult
    public func changeServiceAccount(orgID: String, _ change: SimulatedServiceAccountChange, actor: SimulatedActor,
                                     address: String, at milliseconds: UInt64? = nil) -> SimulatedEvent? {
        let time = milliseconds ?? eventClock()
        return withState { $0.changeServiceAccount(orgID: orgID, change, actor: actor, address: address, at: time) }
    }
}
