/// The kinds of change `mongodb_agent_api_key_changes_total` counts.
enum AgentKeyChange: String, ChangeKindSet {
    case added, removed
}

/// The agent API keys of one org's projects, and the changes counted since the first successful read.
struct AgentKeysState: Sendable {
    /// Keys by project id, each list sorted by id; a project whose read failed keeps its last known keys.
    var byProject: [String: [AgentAPIKey]] = [:]
    /// Counted from the first successful read, which is the baseline.
    var changes = ChangeCounter<AgentKeyChange>()
    /// Projects read at least once, and the projects the org had at the last read: a project known but never read
    /// (its read failed) is a baseline when it is first read, a project new to the org is not.
    var readProjects: Set<String> = []
    var knownProjects: Set<String> = []

    /// Records this cycle's reads: `read` by project (those that answered), `projects` every project the org has
    /// now (a project gone takes its keys with it). Returns the changes, identity being project and key id.
    mutating func record(_ read: [String: [AgentAPIKey]], projects: Set<String>, at time: Double)
        -> [(kind: AgentKeyChange, projectID: String, key: AgentAPIKey)] {
        var next = byProject.filter { projects.contains($0.key) }
        for (projectID, keys) in read {
            next[projectID] = keys.sorted { $0.id < $1.id }
        }
        var changes: [(kind: AgentKeyChange, projectID: String, key: AgentAPIKey)] = []
        if self.changes.hasBaseline {
            let compared = Set(byProject.keys).union(next.keys).filter { readProjects.contains($0) || !knownProjects.contains($0) }
            for projectID in compared.sorted() {
                let before = Dictionary(byProject[projectID, default: []].map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                let after = Dictionary(next[projectID, default: []].map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for id in after.keys.sorted() where before[id] == nil {
                    if let key = after[id] { changes.append((.added, projectID, key)) }
                }
                for id in before.keys.sorted() where after[id] == nil {
                    if let key = before[id] { changes.append((.removed, projectID, key)) }
                }
            }
        }
        self.changes.record(changes.map(\.kind), at: time)
        byProject = next
        readProjects = readProjects.union(read.keys).intersection(projects)
        knownProjects = projects
        return changes
    }
}

extension OrgStatus {
    /// Nil unless the `agent_keys` collector is on and has read the org at least once.
    var agentKeys: AgentKeysState? {
        get { collected[AgentKeysState.self] }
        set { collected[AgentKeysState.self] = newValue }
    }
}
