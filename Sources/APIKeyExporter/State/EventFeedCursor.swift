/// How far an activity feed (an org's, a project's) has been read, under the same rules for every feed: each event
/// counted once by id; each read starts an overlap before the previous one (the feed is eventually consistent:
/// events may show up a little late); the first read goes back a lookback; a read resuming from a saved position
/// goes back at most a catch-up bound. Memory stays bounded whatever the feed sends.
public struct EventFeedCursor: Sendable, Equatable {
    /// How far each read reaches back before the previous one.
    public static let overlap: Double = 600
    /// How many event ids are remembered: far more than a few polls of a busy feed produce; the oldest go first.
    public static let seenLimit = 20_000

    /// Event id → its time; at most `seenLimit`, newest kept.
    public internal(set) var seen: [String: Double] = [:]
    /// Where the latest read started; nil before the first.
    public internal(set) var readFrom: Double?

    public init() {}

    /// A cursor restored from a saved position, bounded as a running one is (a file cannot make it hold more).
    public init(readFrom: Double?, seen: [String: Double]) {
        self.readFrom = readFrom
        self.seen = seen
        prune()
    }

    /// Where a read at `now` starts: `overlap` before the previous read's start but at most `maxCatchUp` back, or
    /// `lookback` back for the first read.
    public func readStart(now: Double, lookback: Double, maxCatchUp: Double, overlap: Double = Self.overlap) -> Double {
        readFrom.map { max($0 - overlap, now - maxCatchUp) } ?? now - lookback
    }

    /// Whether the event `id` was not counted before; remembers it (at `time`, for pruning) if so.
    public mutating func admit(_ id: String, at time: Double) -> Bool {
        guard seen[id] == nil else { return false }
        seen[id] = time
        return true
    }

    /// Records a complete read that started at `time`: the next one starts an overlap before it.
    public mutating func finishRead(startedAt time: Double) {
        readFrom = time
        prune()
    }

    /// Keeps the newest `limit` event ids.
    public mutating func prune(to limit: Int = Self.seenLimit) {
        guard seen.count > limit else { return }
        let keep = seen.sorted { $0.value > $1.value }.prefix(limit)
        seen = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
