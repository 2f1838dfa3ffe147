/// One project's feed: where it was read up to, its events by type, and what transient model keys are told by.
struct ProjectFeedProject: Sendable, Equatable {
    var cursor = EventFeedCursor()
    /// By type (every `ProjectEventType` from the first read).
    var counts: [String: Int] = [:]
    /// Model key creations and deletions read but not yet set against a listing: those after the latest listing
    /// wait for the next one (`deferred`); the rest are unexplained until a listing change explains them.
    var deferred: [(time: Double, created: Bool)] = []
    var unexplainedCreated = 0
    var unexplainedDeleted = 0
    /// Keys a listing found new (gone) that no creation (deletion) read so far explains: the feed may be late.
    var unmatchedAdded = 0
    var unmatchedRemoved = 0
    var lastReadSucceeded = false

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.cursor == rhs.cursor && lhs.counts == rhs.counts && lhs.unexplainedCreated == rhs.unexplainedCreated
            && lhs.unexplainedDeleted == rhs.unexplainedDeleted && lhs.unmatchedAdded == rhs.unmatchedAdded
            && lhs.unmatchedRemoved == rhs.unmatchedRemoved && lhs.lastReadSucceeded == rhs.lastReadSucceeded
            && lhs.deferred.elementsEqual(rhs.deferred) { $0.time == $1.time && $0.created == $1.created }
    }

    /// Counts the events not counted before; returns them (to be logged).
    mutating func record(_ events: [ProjectEvent], readStartedAt time: Double) -> [ProjectEvent] {
        for type in ProjectEventType.allCases where counts[type.rawValue] == nil { counts[type.rawValue] = 0 }
        var new: [ProjectEvent] = []
        for event in events.sorted(by: { ($0.created ?? 0, $0.id) < ($1.created ?? 0, $1.id) }) {
            guard let type = ProjectEventType(rawValue: event.eventTypeName),
                  cursor.admit(event.id, at: event.created ?? time) else { continue }
            counts[type.rawValue, default: 0] += 1
            new.append(event)
            switch type {
            case .aiKeyCreated: deferred.append((event.created ?? time, true))
            case .aiKeyDeleted: deferred.append((event.created ?? time, false))
            default: break
            }
        }
        cursor.finishRead(startedAt: time)
        lastReadSucceeded = true
        if deferred.count > EventFeedCursor.seenLimit { deferred.removeFirst(deferred.count - EventFeedCursor.seenLimit) }
        return new
    }

    /// Sets the creations and deletions up to the latest listing (`listedAt`) against the listing's new and gone
    /// keys in this project since the last call (`added`, `removed`); events before `since` (the first listing)
    /// are dropped, as no listing can explain them. Returns the transient keys found: creations no listed key
    /// explains, matched with deletions no key gone from the listing explains (the smaller of the two).
    mutating func settle(added: Int, removed: Int, since: Double, listedAt: Double) -> Int {
        let due = deferred.filter { $0.time <= listedAt }
        deferred.removeAll { $0.time <= listedAt }
        unexplainedCreated += due.filter { $0.created && $0.time >= since }.count
        unexplainedDeleted += due.filter { !$0.created && $0.time >= since }.count
        unmatchedAdded += added
        unmatchedRemoved += removed
        let created = min(unexplainedCreated, unmatchedAdded)
        unexplainedCreated -= created
        unmatchedAdded -= created
        let deleted = min(unexplainedDeleted, unmatchedRemoved)
        unexplainedDeleted -= deleted
        unmatchedRemoved -= deleted
        let transient = min(unexplainedCreated, unexplainedDeleted)
        unexplainedCreated -= transient
        unexplainedDeleted -= transient
        return transient
    }
}

/// An org's project feeds, by project id, and the transient model keys found in them.
struct ProjectFeedState: Sendable {
    var projects: [String: ProjectFeedProject] = [:]
    /// Nil until a model key listing was seen (then counted from 0).
    var transientCount: Int?
    /// Unix time counting started (OpenMetrics `_created`).
    var countedSince: Double?
    /// The listing tally last set against the feed (see `AIModelKeyTally`): the next call counts what it added.
    var lastTally: AIModelKeyTally?
    /// The newest model key event of each type per project, for the listing's change logs.
    var actors = ChangeActors()
    /// Projects whose last read failed, with why (for the status page).
    var failures: [String: String] = [:]

    /// Sets every project's events against the listing's changes since the last call; returns the transient keys
    /// found per project.
    mutating func settle(_ tally: AIModelKeyTally?) -> [String: Int] {
        guard let tally else { return [:] }
        // A new tally (the exporter restarted without the listing's state): start matching from it.
        let previous = lastTally?.since == tally.since ? lastTally : nil
        if previous == nil, lastTally != nil {
            for id in projects.keys {
                projects[id]?.unexplainedCreated = 0
                projects[id]?.unexplainedDeleted = 0
                projects[id]?.unmatchedAdded = 0
                projects[id]?.unmatchedRemoved = 0
            }
        }
        var found: [String: Int] = [:]
        for id in Set(projects.keys).union(tally.added.keys).union(tally.removed.keys).sorted() where projects[id] != nil {
            let added = max(0, (tally.added[id] ?? 0) - (previous?.added[id] ?? 0))
            let removed = max(0, (tally.removed[id] ?? 0) - (previous?.removed[id] ?? 0))
            let transient = projects[id]?.settle(added: added, removed: removed, since: tally.since,
                                                  listedAt: tally.listedAt) ?? 0
            if transient > 0 { found[id] = transient }
        }
        transientCount = (transientCount ?? 0) + found.values.reduce(0, +)
        lastTally = tally
        return found
    }
}

extension OrgStatus {
    var projectFeed: ProjectFeedState? {
        get { collected[ProjectFeedState.self] }
        set { collected[ProjectFeedState.self] = newValue }
    }
}
