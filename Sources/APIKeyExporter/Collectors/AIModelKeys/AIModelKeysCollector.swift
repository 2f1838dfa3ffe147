#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `ai_model_keys` (`--[no-]collector.ai-model-keys`, on by default for Atlas v2 base URLs): the org's model API
/// keys (Voyage AI embedding and reranking), a third kind of programmatic credential: no expiry, no access list,
/// no roles, so whoever holds one spends the org's money until it is deleted. One listing per org
/// (`GET /orgs/{orgId}/aiModelApiKeys`, version 2025-03-12 only) holds every project's keys, each once.
///
/// Changes are counted by key id between good listings (the first is the baseline) and logged once every
/// collector ran for the org, naming who acted when the project feed recorded an event of that kind in the key's
/// project (its events name the project, never the key). The listing's per-project additions and removals are
/// left for the project feed (`SeamProduct.aiModelKeyTally`), which tells transient keys by them.
///
/// An API without model keys (Cloud and Ops Manager, v1.0, or an Atlas before them) answers 404: unsupported for
/// the target, logged once, no longer asked. A 403 fails this collector for that org only.
final class AIModelKeysCollector: OrgCollector, SwitchableCollector {
    static let name = "ai_model_keys"
    static let onByDefault: Set<APIFlavor> = [.atlasV2]
    static let switchHelp = "Inventory the organizations' model API keys (Voyage AI). Default: on for Atlas v2 base URLs."
    static let produces: Set<SeamProduct> = [.aiModelKeyTally]
    static let statusColumns = ["AI model keys"]

    private let ownerLabels: OwnerLabels

    init(ownerLabels: OwnerLabels = OwnerLabels()) {
        self.ownerLabels = ownerLabels
    }

    static func make(_ target: CollectorTarget) -> AIModelKeysCollector? {
        target.switchState(Self.self).on ? AIModelKeysCollector(ownerLabels: target.setting(OwnerLabels.self)) : nil
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        // The listing shows what existed when it started: later events are for the next listing to explain.
        let started = Date().timeIntervalSince1970
        let listed = try context.client.listAIModelKeys(orgID: org.orgID)
        let now = Date().timeIntervalSince1970
        var keys: [String: AIModelKeyRecord] = [:]
        for key in listed {
            var record = AIModelKeyRecord(key)
            record.owners = owners(name: record.name)
            keys[record.id] = record
        }
        var state = org.aiModelKeys ?? AIModelKeysState()
        let changes = state.record(keys, at: now)
        state.pendingLog = changes
        org.aiModelKeys = state
        var tally = org.aiModelKeyTally ?? AIModelKeyTally(since: started)
        tally.listedAt = started
        for (change, key) in changes {
            switch change {
            case .added: tally.added[key.projectID, default: 0] += 1
            case .removed: tally.removed[key.projectID, default: 0] += 1
            case .renamed, .statusChanged: break
            }
        }
        org.aiModelKeyTally = tally
    }

    /// Logs the last listing's changes, with who acted when the project feed shows an event of that kind in the
    /// key's project (the latest one: with several keys changed in one project, it may name the wrong person).
    func orgFinished(_ org: inout OrgStatus, context: OrgCollectionContext) {
        guard var state = org.aiModelKeys, !state.pendingLog.isEmpty else { return }
        let changedAt = Date().timeIntervalSince1970
        for (change, key) in state.pendingLog {
            var metadata: Logger.Metadata = [
                "target": "\(context.targetName)", "org_id": "\(org.orgID)", "project_id": "\(key.projectID)",
                "change": "\(change.rawValue)", "key_id": "\(key.id)", "name": "\(key.name)", "status": "\(key.status)",
                "created_by": "\(key.createdBy)"]
            if let actor = org.modelKeyActors.latest(eventType: change.eventType, subject: key.projectID) {
                metadata["actor"] = "\(actor.actor)"
                metadata["remote_address"] = "\(actor.remoteAddress)"
            }
            for (label, value) in key.owners where metadata[label] == nil { metadata[label] = "\(value)" }
            context.logger.info("ai model api key change", metadata: metadata)
            org.recentChanges.append(RecentChange(
                at: changedAt, target: context.targetName, orgID: org.orgID, orgName: org.orgName,
                kind: "ai_model_key_" + change.rawValue, keyID: key.id, publicKey: "", description: key.name,
                rolesBefore: "", rolesAfter: ""))
        }
        state.pendingLog = []
        org.aiModelKeys = state
    }

    /// A key's owner label values, from its name (its only free text).
    private func owners(name: String) -> [(String, String)] {
        ownerLabels.isEmpty ? [] : ownerLabels.logMetadata(ownerLabels.values(searching: [name]))
    }

    /// The restored keys' owner labels, from this target's `owner_labels` (not saved: they may have changed).
    func restored(_ org: inout OrgStatus) {
        guard var state = org.aiModelKeys else { return }
        for (id, key) in state.keys { state.keys[id]?.owners = owners(name: key.name) }
        org.aiModelKeys = state
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        var state = org.aiModelKeys ?? AIModelKeysState()
        state.lastCollectionSucceeded = false
        org.aiModelKeys = state
        context.logger.error("ai model api key listing failed; keeping the last known keys", metadata: [
            "target": "\(context.targetName)", "org_id": "\(org.orgID)", "reason": "\(error.reason)", "err": "\(error)"])
    }

    func unsupported(by error: APIError) -> String? {
        if case .http(404, _, _) = error { return "this API has no model API keys (404)" }
        return nil
    }

    static func statusCells(_ org: OrgStatus) -> [StatusCell] {
        guard let state = org.aiModelKeys, state.hasCollected else { return [StatusCell(nil)] }
        return [StatusCell(count: state.keys.count, cssClass: state.lastCollectionSucceeded ? "ai-model-keys" : "ai-model-keys stale")]
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        AIModelKeyFamilies.all(scope, keyInfo: options.keyInfo)
    }
}
