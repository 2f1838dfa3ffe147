/// What the service-account collector keeps across a restart: each account's roles and secrets (what its changes
/// are counted on), name, description and whether Atlas manages it (what its lines and series show until the first
/// collection), and its access list's use (what its new-address lines compare with).
extension ServiceAccountsCollector: PersistentOrgCollector {
    struct Saved: Codable {
        var accounts: [Account]
    }

    struct Account: Codable {
        var clientID: String
        var name: String
        var description: String
        var createdAt: Double?
        var orgRoles: [String]
        var projectRoles: [String: [String]]
        var secrets: [ServiceAccountSecret.Saved]
        /// Nil in files saved before system-managed accounts were read (none of theirs was).
        var systemManaged: Bool?
        /// Its access list's use, so that an address that changed while the exporter was down is logged once
        /// (and one that did not, not again); nil when access lists are not read or the file is older.
        var accessListUsage: Usage?
    }

    struct Usage: Codable {
        var requests: Int?
        var lastUsedAddress: String?
    }

    static func saved(_ org: OrgStatus) -> Saved? {
        guard let state = org.serviceAccounts, state.hasCollected else { return nil }
        return Saved(accounts: state.accounts.values.sorted { $0.clientID < $1.clientID }.map { account in
            Account(clientID: account.clientID, name: account.name, description: account.description,
                    createdAt: account.createdAt, orgRoles: account.orgRoles.sorted(),
                    projectRoles: account.projectRoles.mapValues { $0.sorted() },
                    secrets: account.secrets.values.sorted { $0.id < $1.id }.map(ServiceAccountSecret.Saved.init),
                    systemManaged: account.systemManaged,
                    accessListUsage: account.accessListUsage.map { Usage(requests: $0.requests, lastUsedAddress: $0.lastUsedAddress) })
        })
    }

    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double) {
        var state = ServiceAccountsState()
        for account in saved.accounts {
            state.accounts[account.clientID] = ServiceAccountRecord(
                clientID: account.clientID, name: account.name, description: account.description,
                createdAt: account.createdAt, orgRoles: Set(account.orgRoles), projectRoles: account.projectRoles.mapValues(Set.init),
                secrets: ServiceAccountSecret.Saved.restored(account.secrets),
                accessListEntries: nil,
                accessListUsage: account.accessListUsage.map {
                    AccessListUsage(requests: $0.requests,
                                    lastUsedAddress: $0.lastUsedAddress.map { String($0.prefix(AccessListUsage.addressLimit)) })
                },
                systemManaged: account.systemManaged ?? false)
        }
        // Not a baseline: the first collection counts what changed since the save.
        state.hasCollected = true
        state.changes.setBaseline(at: restoredAt)
        org.serviceAccounts = state
    }
}
