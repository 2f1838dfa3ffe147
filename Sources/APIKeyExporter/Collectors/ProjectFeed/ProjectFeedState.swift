/// One project's feed: where it was read up to, its events by type, and what transient model keys are told by.
struct ProjectFeedProject: Sendable, Equatable {
    var cursor = EventFeedCursor()
    /// By type (every `ProjectEventType` from the first read).
    var counts: [String: Int] = [:]
    /// Model key creations and deletions read but not yet set against a listing: those after the latest listing
    /// wait for the next one (`deferred`); the rest are unexplained until a listing change explains them.
    var deferred: [(time: Double, created: Bool)] = []
    var unexplainedCreated: [Waiting] = []
    var unexplainedDeleted: [Waiting] = []
    /// Keys a listing found new (gone) that no creation (deletion) read so far explains: the feed may be late.
    var unmatchedAdded: [Waiting] = []
    var unmatchedRemoved: [Waiting] = []
    var lastReadSucceeded = false

    /// An event or a listing change waiting for its counterpart: since the listing at which it was set against the
    /// others, and through how many listings since. Oldest first in each list.
    struct Waiting: Codable, Equatable, Sendable {
        var since: Double
        var listings = 0
    }

    /// How long what is unmatched waits, in time and in listings, before it is dropped. The feed's reads reach back
    /// an overlap before the previous one, so an event later than that is never read; kept for ever, an unmatched
    /// listing change would explain away a later transient key.
    static let matchWindow = 2 * EventFeedCursor.overlap
    static let matchListings = 2

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
    /// keys in this project since the last call (`added`, `removed`), oldest first; events before `since` (the
    /// first listing) are dropped, as no listing can explain them. Returns the transient keys found: creations no
    /// listed key explains, matched with deletions no key gone from the listing explains (the smaller of the two).
    /// What is still unmatched after `matchWindow` and `matchListings` more listings with a good read is dropped.
    mutating func settle(added: Int, removed: Int, since: Double, listedAt: Double) -> Int {
        let due = deferred.filter { $0.time <= listedAt && $0.time >= since }
        deferred.removeAll { $0.time <= listedAt }
        let now = Waiting(since: listedAt)
        let limit = EventFeedCursor.seenLimit
        unexplainedCreated += repeatElement(now, count: due.count { $0.created })
        unexplainedDeleted += repeatElement(now, count: due.count { !$0.created })
        unmatchedAdded += repeatElement(now, count: min(max(0, added), limit))
        unmatchedRemoved += repeatElement(now, count: min(max(0, removed), limit))
        Self.match(&unexplainedCreated, &unmatchedAdded)
        Self.match(&unexplainedDeleted, &unmatchedRemoved)
        let transient = Self.match(&unexplainedCreated, &unexplainedDeleted)
        for list in [\Self.unexplainedCreated, \.unexplainedDeleted, \.unmatchedAdded, \.unmatchedRemoved] {
            // Only a good read ages them (while the feed fails, its events may still come); bounded either way.
            let waiting = lastReadSucceeded ? Self.aged(self[keyPath: list], at: listedAt) : self[keyPath: list]
            self[keyPath: list] = Array(waiting.suffix(limit))
        }
        return transient
    }

    /// Removes as many of the oldest from each as the shorter holds; returns that number.
    @discardableResult
    static func match(_ one: inout [Waiting], _ other: inout [Waiting]) -> Int {
        let matched = min(one.count, other.count)
        one.removeFirst(matched)
        other.removeFirst(matched)
        return matched
    }

    /// One listing more for each; without those past both bounds.
    static func aged(_ waiting: [Waiting], at listedAt: Double) -> [Waiting] {
        waiting.map { Waiting(since: $0.since, listings: min($0.listings, matchListings) + 1) }
            .filter { $0.listings <= matchListings || listedAt - $0.since <= matchWindow }
    }

    /// A list read from a file, ordered and bounded as a running one is.
    static func restored(_ waiting: [Waiting]) -> [Waiting] {
        Array(waiting.map { Waiting(since: $0.since, listings: min(max(0, $0.listings), matchListings + 1)) }
            .sorted { $0.since < $1.since }.suffix(EventFeedCursor.seenLimit))
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
                projects[id]?.unexplainedCreated = []
                projects[id]?.unexplainedDeleted = []
                projects[id]?.unmatchedAdded = []
                projects[id]?.unmatchedRemoved = []
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
