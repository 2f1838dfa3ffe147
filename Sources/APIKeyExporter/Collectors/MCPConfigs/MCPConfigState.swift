/// One configuration as the last successful collection saw it.
struct MCPConfigRecord: Sendable, Equatable {
    var id: String
    /// Empty for an org-level configuration.
    var projectID: String
    var name: String
    var clientID: String
    var egressClientID: String
    var roles: Set<String>
    /// Nil when restored (not saved: it has no change of its own to count).
    var accessListEntries: Int?
    /// By secret id.
    var secrets: [String: MCPConfigSecret]
}

/// What an MCP configuration collection can change, as `mongodb_mcp_config_changes_total{change}` counts it.
enum MCPConfigChange: String, ChangeKindSet {
    case added, removed, rolesChanged = "roles_changed", secretAdded = "secret_added", secretRemoved = "secret_removed"
}

/// An org's MCP configurations (org- and project-level): the last good collection and the change counts.
struct MCPConfigsState: Sendable {
    /// By configuration id (a UUID, unique across the org and its projects).
    var configs: [String: MCPConfigRecord] = [:]
    var hasCollected = false
    var changes = ChangeCounter<MCPConfigChange>()

    /// Records a complete collection: the first sets the baseline; later ones count by configuration, as for
    /// service accounts (one added or removed counts once, its secrets with it; secrets are compared for those in
    /// both).
    mutating func record(_ configs: [String: MCPConfigRecord], at time: Double) -> [(MCPConfigChange, MCPConfigRecord)] {
        var changes: [(MCPConfigChange, MCPConfigRecord)] = []
        if hasCollected {
            for (id, config) in configs.sortedByKey {
                guard let before = self.configs[id] else {
                    changes.append((.added, config))
                    continue
                }
                if before.roles != config.roles { changes.append((.rolesChanged, config)) }
                for secretID in config.secrets.keys.sorted() where before.secrets[secretID] == nil {
                    changes.append((.secretAdded, config))
                }
                for secretID in before.secrets.keys.sorted() where config.secrets[secretID] == nil {
                    changes.append((.secretRemoved, config))
                }
            }
            for (id, config) in self.configs.sortedByKey where configs[id] == nil {
                changes.append((.removed, config))
            }
        }
        self.changes.record(changes.map(\.0), at: time)
        self.configs = configs
        hasCollected = true
        return changes
    }
}

extension OrgStatus {
    /// Nil unless the `mcp_configs` collector has run for this org.
    var mcpConfigs: MCPConfigsState? {
        get { collected[MCPConfigsState.self] }
        set { collected[MCPConfigsState.self] = newValue }
    }
}
