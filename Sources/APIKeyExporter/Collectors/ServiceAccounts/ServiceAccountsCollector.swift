#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `service_accounts` (`--[no-]collector.service-accounts`, on by default for Atlas v2 base URLs): the org's service
/// accounts (Atlas' successor of API keys) with their org roles, their roles in each project, and their secrets,
/// whose expiry is the slow time bomb the alerts watch. Where access lists are read (`AccessListReading`), each account's access list
/// too. Changes are counted by account as for keys: baseline first, nothing counted from a failed collection.
///
/// An API without service accounts (Cloud Manager, Ops Manager, or a v1.0 base URL) answers 404: the collector is
/// then marked unsupported for the target, logged once, and no longer asked (not a failure every cycle).
final class ServiceAccountsCollector: OrgCollector {
    static let name = "service_accounts"
    /// Runs after `names` (registry order) to use the project ids it found, but does not need it to succeed.
    static let needsCurrentInventory = false
    static let targetKeys = ["service_accounts"]

    private let accessLists: Bool
    private let ownerLabels: OwnerLabels
    private let unsupported = OnceFlag()

    init(accessLists: Bool, ownerLabels: OwnerLabels = OwnerLabels()) {
        self.accessLists = accessLists
        self.ownerLabels = ownerLabels
    }

    static func make(_ target: CollectorTarget) -> ServiceAccountsCollector? {
        let reading = target.settings[AccessListReading.self]
        return applies(to: target)
            ? ServiceAccountsCollector(accessLists: reading.enabled, ownerLabels: target.setting(OwnerLabels.self)) : nil
    }

    /// Whether the target has service accounts: as its `service_accounts` key or `--[no-]collector.service-accounts`
    /// says, else for Atlas v2 base URLs only (Cloud and Ops Manager, and v1.0, have none).
    static func applies(to target: CollectorTarget) -> Bool {
        target.setting(ServiceAccountsSetting.self).enabled ?? (target.flavor == .atlasV2)
    }

    static func readTarget(_ keys: TargetKeys, into settings: inout CollectorSettings) throws(ConfigError) {
        if let enabled = try keys.bool("service_accounts") {
            settings[ServiceAccountsSetting.self] = ServiceAccountsSetting(enabled: enabled)
        }
    }

    static func configLines(_ settings: CollectorSettings) -> [String] {
        ["service_accounts: \(settings[ServiceAccountsSetting.self].enabled.map { "\($0)" } ?? "auto  # on for Atlas v2 base URLs")"]
    }

    static func targetConfigLines(_ settings: CollectorSettings) -> [String] {
        settings.value(ServiceAccountsSetting.self)?.enabled.map { ["service_accounts: \($0)"] } ?? []
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        // Where the collector is on, service accounts apply: their event types are exported at 0 (see
        // `OrgStatus.inventoried`), even where the API turns out to have none.
        org.inventoried.insert(.serviceAccount)
        guard !unsupported.isSet else { return }
        let listed: [ServiceAccount]
        do throws(APIError) {
            listed = try context.client.listServiceAccounts(orgID: org.orgID)
        } catch .http(404, _, _) {
            markUnsupported(context: context)
            return
        }
        var accounts: [String: ServiceAccountRecord] = [:]
        let redactor = SecretRedactor.shared
        for account in listed {
            let name = redactor.redactKnownSecrets(account.name)
            let description = redactor.redactKnownSecrets(account.description)
            accounts[account.clientId] = ServiceAccountRecord(
                clientID: account.clientId, name: name, description: description, createdAt: account.createdAt,
                orgRoles: Set(account.roles), projectRoles: [:],
                secrets: Dictionary(account.secrets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
                accessListEntries: nil, accessListUsage: nil,
                owners: ownerLabels.isEmpty ? [] : ownerLabels.logMetadata(ownerLabels.values(searching: [name, description])))
        }
        // Roles in each project the org is known to have (`projectNames`); accounts created in a project are org
        // members too, so the org listing decides which accounts exist (each counted once per org).
        for projectID in org.projectNames.keys.sorted() {
            for account in try context.client.listProjectServiceAccounts(projectID: projectID) where !account.roles.isEmpty {
                accounts[account.clientId]?.projectRoles[projectID] = Set(account.roles)
            }
        }
        if accessLists {
            for clientID in accounts.keys.sorted() {
                let entries = try context.client.listServiceAccountAccessList(orgID: org.orgID, clientID: clientID)
                accounts[clientID]?.accessListEntries = entries.count
                accounts[clientID]?.accessListUsage = AccessListUsage(entries)
            }
        }
        var state = org.serviceAccounts ?? ServiceAccountsState()
        if state.hasCollected { logNewAddresses(before: state.accounts, after: accounts, orgID: org.orgID, context: context) }
        let changes = state.record(accounts, at: Date().timeIntervalSince1970)
        org.serviceAccounts = state
        for (change, account) in changes {
            var metadata: Logger.Metadata = [
                "target": "\(context.targetName)", "org_id": "\(org.orgID)", "change": "\(change.rawValue)",
                "client_id": "\(account.clientID)", "name": "\(account.name)",
                "roles": "\(account.orgRoles.sorted().joined(separator: ","))"]
            for (label, value) in account.owners where metadata[label] == nil { metadata[label] = "\(value)" }
            context.logger.info("service account change", metadata: metadata)
        }
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        var state = org.serviceAccounts ?? ServiceAccountsState()
        state.lastCollectionSucceeded = false
        org.serviceAccounts = state
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

    private func markUnsupported(context: OrgCollectionContext) {
        if unsupported.setFirstTime() {
            context.logger.warning("this API has no service accounts (404); the service_accounts collector is off for this target",
                                   metadata: ["target": "\(context.targetName)"])
        }
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        ServiceAccountFamilies.counts(scope) + ServiceAccountFamilies.secrets(scope)
            + (options.keyInfo ? ServiceAccountFamilies.perAccount(scope) : [])
    }
}
