/// The agent API keys of one org's projects, and the changes counted since the first successful read.
struct AgentKeysState: Sendable {
    /// Keys by project id, each list sorted by id; a project whose read failed keeps its last known keys.
    var byProject: [String: [AgentAPIKey]] = [:]
    /// Changes since the first successful read (the baseline): `added`, `removed`; nil before it.
    var changeCounts: [String: Int]?
    /// Unix time of that first read (OpenMetrics `_created`).
    var countedSince: Double?
    var lastReadSucceeded = false
    /// Projects read at least once, and the projects the org had at the last read: a project known but never read
    /// (its read failed) is a baseline when it is first read, a project new to the org is not.
    var readProjects: Set<String> = []
    var knownProjects: Set<String> = []

    static let changeKinds = ["added", "removed"]

    /// Records this cycle's reads: `read` by project (those that answered), `projects` every project the org has
    /// now (a project gone takes its keys with it). Returns the changes, identity being project and key id.
    mutating func record(_ read: [String: [AgentAPIKey]], projects: Set<String>, at time: Double)
        -> [(kind: String, projectID: String, key: AgentAPIKey)] {
        var next = byProject.filter { projects.contains($0.key) }
        for (projectID, keys) in read {
            next[projectID] = keys.map { key in
                var key = key
                key.desc = SecretRedactor.shared.redactKnownSecrets(key.desc)
                return key
            }.sorted { $0.id < $1.id }
        }
        var changes: [(kind: String, projectID: String, key: AgentAPIKey)] = []
        if var counts = changeCounts {
            let compared = Set(byProject.keys).union(next.keys).filter { readProjects.contains($0) || !knownProjects.contains($0) }
            for projectID in compared.sorted() {
                let before = Dictionary(byProject[projectID, default: []].map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                let after = Dictionary(next[projectID, default: []].map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for id in after.keys.sorted() where before[id] == nil {
                    if let key = after[id] { changes.append(("added", projectID, key)) }
                }
                for id in before.keys.sorted() where after[id] == nil {
                    if let key = before[id] { changes.append(("removed", projectID, key)) }
                }
            }
            for change in changes { counts[change.kind, default: 0] += 1 }
            changeCounts = counts
        } else {
            changeCounts = Dictionary(uniqueKeysWithValues: Self.changeKinds.map { ($0, 0) })
            countedSince = time
        }
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
