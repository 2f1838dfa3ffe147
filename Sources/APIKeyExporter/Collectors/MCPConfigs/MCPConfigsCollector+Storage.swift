/// What `mcp_configs` keeps across a restart: each configuration's identity, roles and secrets (what its changes
/// are counted on), so that the first collection after a start counts what changed while the exporter was down.
extension MCPConfigsCollector: PersistentOrgCollector {
    struct Saved: Codable {
        var configs: [Config]
    }

    struct Config: Codable {
        var id: String
        var projectID: String
        var name: String
        var clientID: String
        var egressClientID: String
        var roles: [String]
        var secrets: [ServiceAccountSecret.Saved]
    }

    static func saved(_ org: OrgStatus) -> Saved? {
        guard let state = org.mcpConfigs, state.hasCollected else { return nil }
        return Saved(configs: state.configs.sortedByKey.map { id, config in
            Config(id: id, projectID: config.projectID, name: config.name, clientID: config.clientID,
                   egressClientID: config.egressClientID, roles: config.roles.sorted(),
                   secrets: config.secrets.sortedByKey.map { ServiceAccountSecret.Saved($0.value) })
        })
    }

    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double) {
        var state = MCPConfigsState()
        for config in saved.configs {
            state.configs[config.id] = MCPConfigRecord(
                id: config.id, projectID: config.projectID, name: config.name, clientID: config.clientID,
                egressClientID: config.egressClientID, roles: Set(config.roles), accessListEntries: nil,
                secrets: ServiceAccountSecret.Saved.restored(config.secrets))
        }
        // Not a baseline: the first collection counts what changed since the save.
        state.hasCollected = true
        state.changes.setBaseline(at: restoredAt)
        org.mcpConfigs = state
    }
}
