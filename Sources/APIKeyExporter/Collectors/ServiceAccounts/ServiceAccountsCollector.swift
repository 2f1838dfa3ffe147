#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `service_accounts` (`--[no-]collector.service-accounts`, on by default for Atlas v2 base URLs): the org's service
/// accounts (Atlas' successor of API keys) with their org roles, their roles in each project, and their secrets,
/// whose expiry is the slow time bomb the alerts watch. Accounts Atlas manages itself (remote MCP configurations'
/// ingress and egress accounts) are included and marked `system_managed`: their secrets act on the org too. Where access lists are read (`AccessListReading`), each account's access list
/// too. Changes are counted by account as for keys: baseline first, nothing counted from a failed collection.
///
/// An API without service accounts (Cloud Manager, Ops Manager, or a v1.0 base URL) answers 404: the collector is
/// then marked unsupported for the target, logged once, and no longer asked (not a failure every cycle).
final class ServiceAccountsCollector: OrgCollector, SwitchableCollector {
    static let name = "service_accounts"
    static let onByDefault: Set<APIFlavor> = [.atlasV2]
    static let switchHelp = "Inventory the organizations' service accounts and their secrets. Default: on for Atlas v2 base URLs."
    /// Runs after `names` (registry order) to use the project ids it found, but does not need it to succeed.
    static let produces: Set<SeamProduct> = [.credentialKinds]
    static let reads: Set<SeamProduct> = [.projectNames]

    private let accessLists: Bool
    private let ownerLabels: OwnerLabels

    init(accessLists: Bool, ownerLabels: OwnerLabels = OwnerLabels()) {
        self.accessLists = accessLists
        self.ownerLabels = ownerLabels
    }

    static func make(_ target: CollectorTarget) -> ServiceAccountsCollector? {
        let reading = target.settings[AccessListReading.self]
        return target.switchState(Self.self).on
            ? ServiceAccountsCollector(accessLists: reading.enabled, ownerLabels: target.setting(OwnerLabels.self)) : nil
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        // Where the collector is on, service accounts apply: their event types are exported at 0 (see
        // `OrgStatus.inventoried`), even where the API turns out to have none.
        org.inventoried.insert(.serviceAccount)
        // No field marks an account Atlas manages: it is one the listing shows only when asked for them. The full
        // listing comes first, so an account created between the two reads is not in it (it shows next cycle), and
        // only one deleted between them can be taken for system-managed, for the one cycle until it is gone.
        let listed = try context.client.listServiceAccounts(orgID: org.orgID, includeSystemManaged: true)
        let ownAccounts = Set(try context.client.listServiceAccounts(orgID: org.orgID).map(\.clientId))
        var accounts: [String: ServiceAccountRecord] = [:]
        for account in listed {
            let (name, description) = (account.name, account.description)
            accounts[account.clientId] = ServiceAccountRecord(
                clientID: account.clientId, name: name, description: description, createdAt: account.createdAt,
                orgRoles: Set(account.roles), projectRoles: [:],
                secrets: Dictionary(account.secrets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
                accessListEntries: nil, accessListUsage: nil,
                owners: owners(name: name, description: description),
                systemManaged: !ownAccounts.contains(account.clientId))
        }
        // Roles in each project the org is known to have (`projectNames`); accounts created in a project are org
        // members too, so the org listing decides which accounts exist (each counted once per org).
        for projectID in org.projectNames.keys.sorted() {
            for account in try context.client.listProjectServiceAccounts(projectID: projectID, includeSystemManaged: true) where !account.roles.isEmpty {
                accounts[account.clientId]?.projectRoles[projectID] = Set(account.roles)
            }
        }
        if accessLists {
            for clientID in accounts.keys.sorted() {
                let entries = try context.client.listServiceAccountAccessList(orgID: org.orgID, clientID: clientID)
                accounts[clientID]?.accessListEntries = entries.count
                accounts[clientID]?.accessListUsage = AccessListUsage(entries)
            }
            try readProjectAccessLists(into: &accounts, client: context.client)
        }
        var state = org.serviceAccounts ?? ServiceAccountsState()
        if state.hasCollected { logNewAddresses(before: state.accounts, after: accounts, orgID: org.orgID, context: context) }
        let changes = state.record(accounts, at: Date().timeIntervalSince1970)
        org.serviceAccounts = state
        for (change, account) in changes {
            var metadata: Logger.Metadata = [
                "target": "\(context.targetName)", "org_id": "\(org.orgID)", "change": "\(change.rawValue)",
                "client_id": "\(account.clientID)", "name": "\(account.name)",
                "roles": "\(account.orgRoles.sorted().joined(separator: ","))",
                "system_managed": "\(account.systemManaged)"]
            for (label, value) in account.owners where metadata[label] == nil { metadata[label] = "\(value)" }
            context.logger.info("service account change", metadata: metadata)
        }
    }

    /// Each account's own access list in every project it has roles in (`GET /groups/{id}/serviceAccounts/{clientId}/
    /// accessList`). A 404 there (the project or the account went since they were listed) leaves that list out.
    private func readProjectAccessLists(into accounts: inout [String: ServiceAccountRecord], client: AtlasClient) throws(APIError) {
        for (clientID, account) in accounts.sortedByKey {
            for projectID in account.projectRoles.keys.sorted() {
                let entries: [AccessListEntry]
                do {
                    entries = try client.listProjectServiceAccountAccessList(projectID: projectID, clientID: clientID)
                } catch .http(404, _, _) {
                    continue
                }
                accounts[clientID]?.projectAccessLists[projectID] = ProjectAccessList(entries: entries.count,
                                                                                      usage: AccessListUsage(entries))
            }
        }
    }

    /// An account's owner label values: from its name, then its description.
    private func owners(name: String, description: String) -> [(String, String)] {
        ownerLabels.isEmpty ? [] : ownerLabels.logMetadata(ownerLabels.values(searching: [name, description]))
    }

    /// The restored accounts' owner labels, from this target's `owner_labels` (not saved: they may have changed).
    func restored(_ org: inout OrgStatus) {
        guard var state = org.serviceAccounts else { return }
        for (clientID, account) in state.accounts {
            state.accounts[clientID]?.owners = owners(name: account.name, description: account.description)
        }
        org.serviceAccounts = state
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        // Its last good state stays, marked stale by the seam's collector_success.
        org.serviceAccounts = org.serviceAccounts ?? ServiceAccountsState()
        context.logger.error("service account collection failed; keeping the last known service accounts", metadata: [
            "target": "\(context.targetName)", "org_id": "\(org.orgID)", "reason": "\(error.reason)", "err": "\(error)"])
    }

    /// One line per account whose last-used address changed since the last collection.
    private func logNewAddresses(before: [String: ServiceAccountRecord], after: [String: ServiceAccountRecord],
                                 orgID: String, context: OrgCollectionContext) {
        for (clientID, account) in after.sortedByKey {
            let old = before[clientID]?.accessListUsage?.lastUsedAddress
            guard let new = account.accessListUsage?.lastUsedAddress, old != new else { continue }
            context.logger.info("service account used from a new address", metadata: [
                "target": "\(context.targetName)", "org_id": "\(orgID)", "client_id": "\(clientID)",
                "name": "\(account.name)", "address_before": "\(old ?? "")", "address": "\(new)"])
        }
    }

    func unsupported(by error: APIError) -> String? {
        if case .http(404, _, _) = error { return "this API has no service accounts (404)" }
        return nil
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        ServiceAccountFamilies.counts(scope) + ServiceAccountFamilies.secrets(scope)
            + (options.keyInfo ? ServiceAccountFamilies.perAccount(scope) : [])
    }
}
