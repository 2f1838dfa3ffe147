import Foundation

/// What the access lists of an org's keys said at their last successful collection.
public struct AccessListSummary: Sendable, Equatable {
    /// Entries in the key's access list; 0 means the key works from any IP address.
    public var entries: Int
    /// The latest `lastUsed` over the entries (Unix seconds); nil when never used.
    public var lastUsed: Double?

    public init(entries: Int, lastUsed: Double?) {
        self.entries = entries
        self.lastUsed = lastUsed
    }
}

/// The access lists of every key of an org, collected as a whole or not at all.
public struct AccessListState: Sendable {
    /// By key id, from the last complete collection.
    public var summaries: [String: AccessListSummary] = [:]
    /// Whether the last collection completed; false marks `summaries` as stale.
    public var lastCollectionSucceeded = false
    /// Whether any collection ever completed; until then there is nothing to report but the failure.
    public var hasCollected = false

    public init() {}
}

/// What the exporter knows about one organization: its last good snapshot and how the latest poll went.
public struct OrgStatus: Sendable {
    public let orgID: String
    public var orgName: String?
    /// Project names by project id, from the last successful `GET /orgs/{id}/groups`.
    public var projectNames: [String: String] = [:]
    /// The last complete listing; kept when a later poll fails, so the numbers never drop to nothing.
    public var lastGood: OrgSnapshot?
    /// Whether the latest poll of this org completed. False marks `lastGood` as stale.
    public var lastPollSucceeded = false
    /// Changes counted since start, by kind; nil until the first successful poll, which is the baseline.
    public var changeCounts: [ChangeKind: Int]?
    /// Unix time of that first successful poll, from which the change counters count (OpenMetrics `_created`).
    public var changesCountedSince: Double?
    /// Unix time this exporter started to track the org, from which the error counters count.
    public let trackedSince: Double
    /// Nil unless the access-list collector is on and has run for this org.
    public var accessLists: AccessListState?
    /// Failed polls since start by `APIError.reason`; every reason is present, at 0 until it happens.
    public var errorCounts = Dictionary(uniqueKeysWithValues: APIError.reasons.map { ($0, 0) })
    /// Key listings accepted although their length differed from `totalCount` (a second read agreed), since start.
    public var countMismatches = 0

    public init(orgID: String, orgName: String? = nil, trackedSince: Double = Date().timeIntervalSince1970) {
        self.orgID = orgID
        self.orgName = orgName
        self.trackedSince = trackedSince
    }

    /// Records a complete listing and the changes found against the previous one. The first success only
    /// sets the baseline: every change counter starts at 0.
    public mutating func recordSuccess(_ snapshot: OrgSnapshot, changes: [KeyChange]) {
        if var counts = changeCounts {
            for change in changes { counts[change.kind, default: 0] += 1 }
            changeCounts = counts
        } else {
            changeCounts = Dictionary(uniqueKeysWithValues: ChangeKind.allCases.map { ($0, 0) })
            changesCountedSince = snapshot.completedAt
        }
        lastGood = snapshot
        lastPollSucceeded = true
    }

    /// Records a failed poll: the previous snapshot stays, and no change is counted.
    public mutating func recordFailure(_ error: APIError) {
        lastPollSucceeded = false
        errorCounts[error.reason, default: 0] += 1
    }
}

/// Everything one configured target (one API base URL and credential) reports, as of its last poll cycle.
public struct TargetState: Sendable {
    public let name: String
    /// By org id; orgs that disappear from discovery are dropped, so their series go with them.
    public var orgs: [String: OrgStatus] = [:]
    /// Wall time of the last completed cycle, in seconds.
    public var lastCycleDuration: Double?
    /// HTTP exchanges with the API by status code, since start.
    public var requestsByCode: [String: Int] = [:]
    /// Completed poll cycles; readiness waits for the first.
    public var completedCycles = 0
    /// Whether the last `GET /orgs` succeeded; nil when the orgs are configured rather than discovered.
    public var discoverySucceeded: Bool?
    /// The last `RateLimit-Remaining` header the API sent; nil if it never sent one.
    public var rateLimitRemaining: Int?
    /// Seconds requests were held back by the target's rate limit since start, summed over requests.
    public var rateLimitWaitSeconds = 0.0
    /// Connections opened to the API since start (keep-alive makes this grow only with the workers).
    public var connectionsOpened = 0
    /// Unix time the target's counters started from zero.
    public let startedAt: Double

    public init(name: String, startedAt: Double = Date().timeIntervalSince1970) {
        self.name = name
        self.startedAt = startedAt
    }

    public var sortedOrgs: [OrgStatus] {
        orgs.values.sorted { $0.orgID < $1.orgID }
    }
}
