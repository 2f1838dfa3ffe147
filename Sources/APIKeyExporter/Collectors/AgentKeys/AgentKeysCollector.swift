#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `agent_keys` (`--[no-]collector.agent-keys`, on by default for `/api/public/v1.0` base URLs): the agent API keys of
/// every project of the org (Cloud Manager and Ops Manager), what the automation, monitoring and backup agents
/// authenticate with. A key's identity is its project and id; changes are counted as for org keys.
///
/// Where it is on by default, a first read refused (401, 403) or not found (404) before any project's read ever
/// succeeded (in this process or the one whose state was restored) marks it unsupported for the target, logged
/// once: not a failure. After that (or switched on
/// explicitly), a refused project fails that project's read only; its last known keys stay.
final class AgentKeysCollector: OrgCollector, SwitchableCollector {
    static let name = "agent_keys"
    static let onByDefault: Set<APIFlavor> = [.publicV1]
    static let switchHelp = "Inventory each project's agent API keys (Cloud Manager, Ops Manager). Default: on for /api/public/v1.0 base URLs."
    /// Asked after a good key listing only, so that a failing API is asked less; its projects come from `names`.
    static let needs: Set<SeamProduct> = [.keyInventory]
    static let reads: Set<SeamProduct> = [.projectNames]
    static let statusColumns = ["Agent keys"]

    private let explicit: Bool
    private let readOnce = OnceFlag()

    init(explicit: Bool) {
        self.explicit = explicit
    }

    static func make(_ target: CollectorTarget) -> AgentKeysCollector? {
        let state = target.switchState(Self.self)
        return state.on ? AgentKeysCollector(explicit: state.explicit) : nil
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        // Projects read before (restored from `--storage.path` too): a refusal now is a failure.
        if org.agentKeys?.readProjects.isEmpty == false { _ = readOnce.setFirstTime() }
        var read: [String: [AgentAPIKey]] = [:]
        var failure: APIError?
        for projectID in org.projectNames.keys.sorted() {
            do throws(APIError) {
                read[projectID] = try context.client.listAgentAPIKeys(projectID: projectID)
                _ = readOnce.setFirstTime()
            } catch {
                if unsupported(by: error) != nil { throw error }
                failure = failure ?? error
                context.logger.error("agent API key read failed for a project; keeping its last known keys", metadata: [
                    "target": "\(context.targetName)", "org_id": "\(org.orgID)", "project_id": "\(projectID)",
                    "reason": "\(error.reason)", "err": "\(error)"])
            }
        }
        var state = org.agentKeys ?? AgentKeysState()
        let now = Date().timeIntervalSince1970
        let changes = state.record(read, projects: Set(org.projectNames.keys), at: now)
        org.agentKeys = state
        for change in changes {
            log(change, orgID: org.orgID, context: context)
            org.recentChanges.append(RecentChange(
                at: now, target: context.targetName, orgID: org.orgID, orgName: org.orgName, kind: change.kind.rawValue,
                keyID: change.key.id, publicKey: "", description: "[project \(change.projectID)] \(change.key.desc)",
                rolesBefore: "", rolesAfter: ""))
        }
        if let failure { throw failure }
    }

    /// Where it is on by default, a first read refused or not found, before any project was read, means this
    /// credential or API has none.
    func unsupported(by error: APIError) -> String? {
        guard !explicit, !readOnce.isSet, error.meansNoAccess else { return nil }
        return "agent API keys not readable (\(error.reason)): the agent_keys collector needs read access to the "
            + "projects on Cloud Manager or Ops Manager"
    }

    /// Already logged per project in `collect`; the keys known stay.
    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {}

    private func log(_ change: (kind: AgentKeyChange, projectID: String, key: AgentAPIKey), orgID: String, context: OrgCollectionContext) {
        context.logger.info("agent api key change", metadata: [
            "target": "\(context.targetName)", "org_id": "\(orgID)", "project_id": "\(change.projectID)",
            "change": "\(change.kind.rawValue)", "key_id": "\(change.key.id)", "description": "\(change.key.desc)",
            "created_by": "\(change.key.createdBy)", "created_user_id": "\(change.key.createdUserID)",
            "created_ip_addr": "\(change.key.createdIPAddress)"])
    }

    static func statusCells(_ org: OrgStatus) -> [StatusCell] {
        [StatusCell(count: org.agentKeys.map { $0.byProject.values.reduce(0) { $0 + $1.count } })]
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        AgentKeyFamilies.counts(scope) + (options.keyInfo ? AgentKeyFamilies.perKey(scope) : [])
    }
}
