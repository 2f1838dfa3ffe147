/// What the model API key collector keeps across a restart: each key as last listed (never a secret: none is
/// decoded) and when that listing was, so the first listing after a start counts what changed meanwhile, once.
extension AIModelKeysCollector: PersistentOrgCollector {
    struct Saved: Codable {
        var keys: [Key]
        /// When counting began (the project feed matches no event before it).
        var since: Double
        /// When the saved listing started (nil in a file from before it was saved).
        var listedAt: Double?
        /// The tally the project feed matches against (see `AIModelKeyTally`).
        var added: [String: Int]?
        var removed: [String: Int]?
    }

    struct Key: Codable {
        var id: String
        var name: String
        var projectID: String
        var createdAt: Double?
        var createdBy: String
        var lastUsedAt: Double?
        var status: String
    }

    static func saved(_ org: OrgStatus) -> Saved? {
        guard let state = org.aiModelKeys, state.hasCollected else { return nil }
        return Saved(keys: state.keys.values.sorted { $0.id < $1.id }.map { key in
            Key(id: key.id, name: key.name, projectID: key.projectID, createdAt: key.createdAt, createdBy: key.createdBy,
                lastUsedAt: key.lastUsedAt, status: key.status)
        }, since: org.aiModelKeyTally?.since ?? state.changes.countedSince ?? 0, listedAt: org.aiModelKeyTally?.listedAt,
           added: org.aiModelKeyTally?.added, removed: org.aiModelKeyTally?.removed)
    }

    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double) {
        var state = AIModelKeysState()
        for key in saved.keys {
            state.keys[key.id] = AIModelKeyRecord(id: key.id, name: key.name, projectID: key.projectID,
                                                  createdAt: key.createdAt, createdBy: key.createdBy,
                                                  lastUsedAt: key.lastUsedAt, status: key.status)
        }
        // Not a baseline: the first listing counts what changed since the save.
        state.hasCollected = true
        state.lastCollectionSucceeded = false
        state.changes.setBaseline(at: restoredAt)
        org.aiModelKeys = state
        // Counting goes on from the save: the first listing's changes explain the feed's events since then.
        org.aiModelKeyTally = AIModelKeyTally(since: saved.since, listedAt: saved.listedAt ?? saved.since,
                                              added: (saved.added ?? [:]).mapValues(bounded),
                                              removed: (saved.removed ?? [:]).mapValues(bounded))
    }

    /// A saved count within what counting can reach, so that a damaged file can never make an addition overflow.
    static func bounded(_ count: Int) -> Int {
        min(max(0, count), 1 << 40)
    }
}
