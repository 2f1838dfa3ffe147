/// What the agent-keys collector keeps across a restart: each project's agent keys and which projects were read,
/// what its changes are counted on.
extension AgentKeysCollector: PersistentOrgCollector {
    struct Saved: Codable {
        var projects: [String: [Key]]
        var readProjects: [String]
        var knownProjects: [String]
    }

    struct Key: Codable {
        var id: String
        var desc: String
        var createdAt: Double?
        var createdUserID: String
        var createdIPAddress: String
        var createdBy: String
    }

    static func saved(_ org: OrgStatus) -> Saved? {
        guard let state = org.agentKeys, state.changes.hasBaseline else { return nil }
        return Saved(projects: state.byProject.mapValues { keys in
            keys.map { Key(id: $0.id, desc: $0.desc, createdAt: $0.createdAt, createdUserID: $0.createdUserID,
                           createdIPAddress: $0.createdIPAddress, createdBy: $0.createdBy) }
        }, readProjects: state.readProjects.sorted(), knownProjects: state.knownProjects.sorted())
    }

    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double) {
        var state = AgentKeysState()
        state.byProject = saved.projects.mapValues { keys in
            keys.map { AgentAPIKey(id: $0.id, desc: $0.desc, createdAt: $0.createdAt, createdUserID: $0.createdUserID,
                                   createdIPAddress: $0.createdIPAddress, createdBy: $0.createdBy) }
        }
        state.readProjects = Set(saved.readProjects)
        state.knownProjects = Set(saved.knownProjects)
        // Not a baseline: the first read counts what changed since the save.
        state.changes.setBaseline(at: restoredAt)
        org.agentKeys = state
    }
}
