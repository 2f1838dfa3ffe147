/// How one collector has gone for one org (or, for a target collector, for the target) since start. The seam keeps
/// it alike for every collector, so `collector_success`, `collector_errors_total`,
/// `collector_last_success_timestamp_seconds` and `listing_count_mismatch_total` mean the same for each.
public struct CollectorHealth: Sendable, Equatable {
    /// How the last run went; nil before the first.
    public var lastOutcome: CollectorOutcome?
    /// Unix time the last successful run ended.
    public var lastSuccessAt: Double?
    /// Failed runs by `APIError.reason`; every reason is present, at 0 until it happens.
    public var errorCounts = Dictionary(uniqueKeysWithValues: APIError.reasons.map { ($0, 0) })
    /// Listings accepted although their length differed from `totalCount` (a second read agreed).
    public var listingCountMismatches = 0
    /// Unix time the counters count from (OpenMetrics `_created`).
    public let since: Double

    public init(since: Double) {
        self.since = since
    }

    public mutating func recordRun(_ outcome: CollectorOutcome, endedAt: Double) {
        lastOutcome = outcome
        if outcome.succeeded { lastSuccessAt = endedAt }
    }

    mutating func recordError(_ error: APIError) {
        errorCounts[error.reason, default: 0] += 1
    }
}
