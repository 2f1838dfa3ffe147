#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `mcp_configs` (`--[no-]collector.mcp-configs`, on by default for Atlas v2 base URLs): the org's remote MCP
/// configurations, through which AI agents act on it with a service account's secrets: the org-level ones and
/// those of every project the org is known to have (`projectNames`), with their roles, access lists and secrets.
/// Changes are counted by configuration, as for service accounts: baseline first, nothing from a failed collection.
///
/// A 403 fails the collector for that org; an API without MCP configurations (404 on the org's listing: v1.0,
/// Cloud and Ops Manager, an Atlas without the feature) marks it unsupported for the target, logged once. A 404 on
/// a project's listing or a configuration's secrets means it went between two reads: left out of this collection.
final class MCPConfigsCollector: OrgCollector, SwitchableCollector {
    static let name = "mcp_configs"
    static let onByDefault: Set<APIFlavor> = [.atlasV2]
    static let switchHelp = "Inventory the organizations' remote MCP configurations (AI agents' access), their roles and secrets. Default: on for Atlas v2 base URLs."
    static let reads: Set<SeamProduct> = [.projectNames]
    static let statusColumns = ["MCP configurations"]

    static func make(_ target: CollectorTarget) -> MCPConfigsCollector? {
        target.switchState(Self.self).on ? MCPConfigsCollector() : nil
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        let client = context.client
        var listed = try client.listOrgMCPConfigs(orgID: org.orgID).map { (projectID: "", config: $0) }
        for projectID in org.projectNames.keys.sorted() {
            guard let configs = try Self.unlessGone({ () throws(APIError) in try client.listProjectMCPConfigs(projectID: projectID) })
            else { continue }
            listed += configs.map { (projectID: projectID, config: $0) }
        }
        var configs: [String: MCPConfigRecord] = [:]
        for (projectID, config) in listed {
            guard let secrets = try Self.unlessGone({ () throws(APIError) in
                try client.listMCPConfigSecrets(orgID: org.orgID, projectID: projectID.isEmpty ? nil : projectID,
                                                configID: config.mcpConfigId)
            }) else { continue }
            configs[config.mcpConfigId] = MCPConfigRecord(
                id: config.mcpConfigId, projectID: projectID, name: config.mcpConfigName, clientID: config.clientId,
                egressClientID: config.egressClientId, roles: Set(config.roles), accessListEntries: config.accessListEntries,
                secrets: Dictionary(secrets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
        }
        var state = org.mcpConfigs ?? MCPConfigsState()
        let changes = state.record(configs, at: Date().timeIntervalSince1970)
        org.mcpConfigs = state
        for (change, config) in changes {
            context.logger.info("mcp configuration change", metadata: [
                "target": "\(context.targetName)", "org_id": "\(org.orgID)", "project_id": "\(config.projectID)",
                "change": "\(change.rawValue)", "mcp_config_id": "\(config.id)", "name": "\(config.name)",
                "client_id": "\(config.clientID)", "roles": "\(config.roles.sorted().joined(separator: ","))"])
        }
    }

    /// `read`'s answer, or nil when it is a 404 (what it lists was deleted since it was found).
    private static func unlessGone<T>(_ read: () throws(APIError) -> T) throws(APIError) -> T? {
        do {
            return try read()
        } catch .http(404, _, _) {
            return nil
        }
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        // Its last good state stays, marked stale by the seam's collector_success.
        org.mcpConfigs = org.mcpConfigs ?? MCPConfigsState()
        context.logger.error("mcp configuration collection failed; keeping the last known configurations", metadata: [
            "target": "\(context.targetName)", "org_id": "\(org.orgID)", "reason": "\(error.reason)", "err": "\(error)"])
    }

    func unsupported(by error: APIError) -> String? {
        if case .http(404, _, _) = error { return "this API has no remote MCP configurations (404)" }
        return nil
    }

    static func statusCells(_ org: OrgStatus) -> [StatusCell] {
        guard let state = org.mcpConfigs, state.hasCollected else { return [StatusCell(nil)] }
        return [StatusCell(count: state.configs.count)]
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        MCPConfigFamilies.all(scope)
    }
}
