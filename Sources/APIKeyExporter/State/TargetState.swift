#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the exporter knows about one organization: its last good snapshot and how the latest poll went.
public struct OrgStatus: Sendable {
    public let orgID: String
    /// The state of each collector, by its type; see each collector's folder.
    public var collected = CollectorStates()
    /// The org's name and its projects' names, which several collectors and the dashboards use.
    public var orgName: String?
    /// The names of its projects by project id, from the last successful listing of them.
    public var projectNames: [String: String] = [:]
    /// The kinds of credential a collector inventories for this org (marked by the collector when it runs, so the
    /// activity feed exports their event types at 0).
    public var inventoried: Set<CredentialKind> = []
    /// Who made each recent change, as the activity feed shows it, for the logs of the changes a listing finds.
    public var changeActors = ChangeActors()
    /// The changes the last cycle counted, for the status page; the target's poller moves them into its bounded
    /// recent changes after the cycle.
    public var recentChanges: [RecentChange] = []
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
    /// Failed polls since start by `APIError.reason`; every reason is present, at 0 until it happens.
    public var errorCounts = Dictionary(uniqueKeysWithValues: APIError.reasons.map { ($0, 0) })
    /// Key listings accepted although their length differed from `totalCount` (a second read agreed), since start.
    public var countMismatches = 0

    /// How each collector's run for this org went in the last cycle, by collector name.
    public var collectorOutcomes: [String: CollectorOutcome] = [:]
    /// The last failure of each of the org's collectors, by collector name; kept after later successes (the status
    /// page tells the last cycle's from older ones by their time).
    public var lastErrors: [String: OrgError] = [:]
    /// The key changes the last successful listing counted, logged once every collector ran for the org (with who
    /// made each, when the activity feed says).
    public var lastCycleChanges: [KeyChange] = []

    public init(orgID: String, orgName: String? = nil, trackedSince: Double = Date().timeIntervalSince1970) {
        self.orgID = orgID
        self.trackedSince = trackedSince
        if let orgName { self.orgName = orgName }
    }

    /// Records a complete listing and the changes found against the previous one. The first success only
    /// sets the baseline: every change counter starts at 0.
    public mutating func recordSuccess(_ snapshot: OrgSnapshot, changes: [KeyChange]) {
        if var counts = changeCounts {
            for change in changes { counts[change.kind, default: 0] += 1 }
            changeCounts = counts
            lastCycleChanges = changes
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
    /// Failed writes of the state file since start; nil without `--storage.path`.
    public var stateWriteErrors: Int?
    /// Whether the last `GET /orgs` succeeded; nil when the orgs are configured rather than discovered.
    public var discoverySucceeded: Bool?
    /// The last `RateLimit-Remaining` header the API sent; nil if it never sent one.
    public var rateLimitRemaining: Int?
    /// Seconds requests were held back by the target's rate limit since start, summed over requests.
    public var rateLimitWaitSeconds = 0.0
    /// How each enabled collector went over the target's orgs in the last cycle, by collector name.
    public var collectorOutcomes: [String: CollectorOutcome] = [:]
    /// The state of each target collector, by its type; see each collector's folder.
    public var collected = CollectorStates()
    /// Connections opened to the API since start (keep-alive makes this grow only with the workers).
    public var connectionsOpened = 0
    /// Unix time the target's counters started from zero.
    public let startedAt: Double
    /// The base URL and the public half of the credential, for the status page; nil when not given.
    public var identity: TargetIdentity?
    /// Unix time the last cycle started.
    public var lastCycleStart: Double?
    /// The last changes counted over the target and its orgs, for the status page.
    public var recentChanges = RecentChanges()

    public init(name: String, startedAt: Double = Date().timeIntervalSince1970) {
        self.name = name
        self.startedAt = startedAt
    }

    public var sortedOrgs: [OrgStatus] {
        orgs.values.sorted { $0.orgID < $1.orgID }
    }
}

/// Per-org state of the collectors, one value per state type: a collector keeps its own type here, so the status
/// needs no field for it (see `OrgStatus.accessLists` in `Collectors/AccessList/`).
public struct CollectorStates: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public subscript<State: Sendable>(_ type: State.Type) -> State? {
        get { values[ObjectIdentifier(type)] as? State }
        set { values[ObjectIdentifier(type)] = newValue }
    }

    public subscript<State: Sendable>(_ type: State.Type, default defaultValue: @autoclosure () -> State) -> State {
        get { self[type] ?? defaultValue() }
        set { self[type] = newValue }
    }
}
