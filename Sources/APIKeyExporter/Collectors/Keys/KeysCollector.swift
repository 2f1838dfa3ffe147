#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `keys`: every API key of the org (listing, diff against the last good listing, confirmation of role changes),
/// the counts by role and project, the change counters and the per-key families.
///
/// Its state is the org's inventory itself (`lastGood`, `lastPollSucceeded`, `changeCounts`), which the other
/// collectors read: the key listing is what "the org's poll" means for readiness and the stale marks.
final class KeysCollector: OrgCollector {
    static let name = "keys"
    static let produces: Set<SeamProduct> = [.keyInventory, .credentialKinds]
    static let statusColumns = ["Keys", "ORG_OWNER keys"]

    /// The target's owner labels, taken from each key's description.
    private let ownerLabels: OwnerLabels

    init(ownerLabels: OwnerLabels) {
        self.ownerLabels = ownerLabels
    }

    static func make(_ target: CollectorTarget) -> KeysCollector? {
        KeysCollector(ownerLabels: target.setting(OwnerLabels.self))
    }

    /// The target's owner labels as YAML flow style, when its config file gives some (see `OwnerLabels`).
    static func targetConfigLines(_ settings: CollectorSettings) -> [String] {
        guard let labels = settings.value(OwnerLabels.self), !labels.isEmpty else { return [] }
        let entries = labels.labels.map { label in
            "{label: \(label.name), regex: '\(label.pattern.replacing("'", with: "''"))'}"
        }
        return ["owner_labels: [\(entries.joined(separator: ", "))]"]
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        let listing = KeyListing(client: context.client, targetName: context.targetName, logger: context.logger)
        let outcome = try listing.run(orgID: org.orgID, previous: org.lastGood)
        org.recordSuccess(outcome.snapshot, changes: outcome.changes)
        org.keyOwners = ownerLabels.isEmpty ? nil : KeyOwners(ownerLabels, keys: outcome.snapshot.keys)
        org.inventoried.insert(.apiKey)
    }

    /// The restored listing's owner labels, from this target's `owner_labels` (they are not saved: the config file
    /// may have changed them since).
    func restored(_ org: inout OrgStatus) {
        guard let snapshot = org.lastGood else { return }
        org.keyOwners = ownerLabels.isEmpty ? nil : KeyOwners(ownerLabels, keys: snapshot.keys)
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        org.recordFailure(error)
        context.logger.error("poll of organization failed; keeping its last good inventory", metadata: [
            "target": "\(context.targetName)", "org_id": "\(org.orgID)", "reason": "\(error.reason)", "err": "\(error)"])
    }

    /// Logged once the activity feed was read, so that a change can name who made it.
    func orgFinished(_ org: inout OrgStatus, context: OrgCollectionContext) {
        let changedAt = org.lastGood?.completedAt ?? Date().timeIntervalSince1970
        for change in org.lastCycleChanges {
            let publicKey = (change.after ?? change.before)?.publicKey ?? ""
            let actor = org.changeActors.latest(eventType: change.kind.eventType.rawValue, subject: publicKey)
            let owners = ownerLabels.isEmpty ? [] : ownerLabels.logMetadata(ownerLabels.values(searching: [
                (change.after ?? change.before)?.desc ?? ""]))
            KeyListing.logChange(change, orgID: org.orgID, targetName: context.targetName, logger: context.logger, actor: actor,
                                 owners: owners)
            org.recentChanges.append(Self.recent(change, at: changedAt, target: context.targetName, org: org))
        }
        org.lastCycleChanges = []
    }

    static func recent(_ change: KeyChange, at: Double, target: String, org: OrgStatus) -> RecentChange {
        let key = change.after ?? change.before
        return RecentChange(at: at, target: target, orgID: org.orgID, orgName: org.orgName, kind: change.kind.rawValue,
                            keyID: change.keyID, publicKey: key?.publicKey ?? "", description: key?.desc ?? "",
                            rolesBefore: KeyListing.format(change.before?.roles),
                            rolesAfter: KeyListing.format(change.after?.roles))
    }

    static func statusCells(_ org: OrgStatus) -> [StatusCell] {
        let aggregate = org.lastGood?.aggregate
        return [StatusCell(count: aggregate?.keyCount, cssClass: "keys"),
                StatusCell(count: aggregate.map { $0.keysByOrgRole["ORG_OWNER"] ?? 0 })]
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        KeyFamilies.counts(scope) + KeyFamilies.changes(scope) + (options.keyInfo ? KeyFamilies.perKey(scope) : [])
    }
}
