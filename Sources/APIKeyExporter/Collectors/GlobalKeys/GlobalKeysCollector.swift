#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `global_keys` (`--[no-]collector.global-keys`, on by default for `/api/public/v1.0` base URLs): Ops Manager's
/// global API keys, which act on the whole installation (a `GLOBAL_OWNER` key can do anything in every organization)
/// and which no organization's listing shows, and the access list they share. Read once per target and cycle.
///
/// Reading them needs the Global Read Only role. Where the collector is on by default, a first read refused (401,
/// 403) or not found (404: Cloud Manager has no `/admin`) marks it unsupported for the target, logged once: not a
/// failure. Switched on explicitly, or once they were read (by this process or one whose state was restored), the
/// same answers fail it every cycle.
final class GlobalKeysCollector: TargetCollector, SwitchableCollector {
    static let name = "global_keys"
    static let onByDefault: Set<APIFlavor> = [.publicV1]
    static let switchHelp = "Inventory Ops Manager's global API keys and their access list (Global Read Only). Default: on for /api/public/v1.0 base URLs."
    static let statusColumns = ["Global keys", "GLOBAL_OWNER keys"]

    /// Whether it was switched on explicitly (then a refusal is a failure, not "unsupported").
    private let explicit: Bool
    private let readOnce = OnceFlag()
    private let legacyPathLogged = OnceFlag()

    init(explicit: Bool) {
        self.explicit = explicit
    }

    static func make(_ target: CollectorTarget) -> GlobalKeysCollector? {
        let state = target.switchState(Self.self)
        return state.on ? GlobalKeysCollector(explicit: state.explicit) : nil
    }

    func collect(_ target: inout TargetState, context: TargetCollectionContext) throws(APIError) {
        // Global keys restored from `--storage.path`: an earlier run read them, so a refusal now is a failure.
        if target.globalKeys != nil { _ = readOnce.setFirstTime() }
        let keys = try context.client.listGlobalAPIKeys()
        let accessList = try context.client.listGlobalAccessList()
        _ = readOnce.setFirstTime()
        if accessList.legacyPath, legacyPathLogged.setFirstTime() {
            context.logger.info("/admin/accessList not found; read the global access list from /admin/whitelist (Ops Manager before 5.0)",
                                metadata: ["target": "\(context.targetName)"])
        }
        var state = target.globalKeys ?? GlobalKeysState()
        let now = Date().timeIntervalSince1970
        let changes = state.record(keys: keys, accessList: accessList.entries, at: now)
        target.globalKeys = state
        for change in changes {
            log(change, context: context)
            target.recentChanges.append(contentsOf: [RecentChange(
                at: now, target: context.targetName, orgID: "", orgName: "(global)", kind: change.kind.rawValue,
                keyID: (change.after ?? change.before)?.id ?? "", publicKey: (change.after ?? change.before)?.publicKey ?? "",
                description: (change.after ?? change.before)?.desc ?? "",
                rolesBefore: Self.format(change.before?.roles), rolesAfter: Self.format(change.after?.roles))])
        }
    }

    /// Where it is on by default, a first read refused or not found means this credential or API has none.
    func unsupported(by error: APIError) -> String? {
        guard !explicit, !readOnce.isSet, error.meansNoAccess else { return nil }
        return "global API keys not readable (\(error.reason)): the global_keys collector needs a global key with the "
            + "Global Read Only role on Ops Manager"
    }

    func recordFailure(_ error: APIError, in target: inout TargetState, context: TargetCollectionContext) {
        context.logger.error("global API key read failed; keeping the last known global keys", metadata: [
            "target": "\(context.targetName)", "reason": "\(error.reason)", "err": "\(error)"])
    }

    private func log(_ change: (kind: GlobalKeyChange, before: GlobalAPIKey?, after: GlobalAPIKey?), context: TargetCollectionContext) {
        let key = change.after ?? change.before
        context.logger.info("global api key change", metadata: [
            "target": "\(context.targetName)", "change": "\(change.kind.rawValue)", "key_id": "\(key?.id ?? "")",
            "public_key": "\(key?.publicKey ?? "")", "description": "\(key?.desc ?? "")",
            "description_before": "\(change.before?.desc ?? "")",
            "roles_before": "\(Self.format(change.before?.roles))", "roles_after": "\(Self.format(change.after?.roles))"])
    }

    static func format(_ roles: [String]?) -> String {
        Set(roles ?? []).sorted().joined(separator: ",")
    }

    static func statusCells(_ target: TargetState) -> [StatusCell] {
        guard let state = target.globalKeys else { return [StatusCell(nil), StatusCell(nil)] }
        return [StatusCell(count: state.keys.count),
                StatusCell(count: state.keys.values.filter { $0.roles.contains("GLOBAL_OWNER") }.count)]
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        GlobalKeyFamilies.counts(scope) + (options.keyInfo ? GlobalKeyFamilies.perKey(scope) : [])
    }
}
