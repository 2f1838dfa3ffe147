#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the exporter knows about one organization: each collector's state (`collected`), what the seam shares
/// between collectors, and how each collector's runs went.
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
    /// Unix time this exporter started to track the org, from which the error counters count.
    public let trackedSince: Double
    /// How each of the org's collectors has gone since start, by collector name (kept by the seam).
    public var collectorHealth: [String: CollectorHealth] = [:]

    /// How each collector's last run for this org went, by collector name (from `collectorHealth`).
    public var collectorOutcomes: [String: CollectorOutcome] {
        collectorHealth.compactMapValues(\.lastOutcome)
    }
    /// The last failure of each of the org's collectors, by collector name; kept after later successes (the status
    /// page tells the last cycle's from older ones by their time).
    public var lastErrors: [String: OrgError] = [:]

    public init(orgID: String, orgName: String? = nil, trackedSince: Double = Date().timeIntervalSince1970) {
        self.orgID = orgID
        self.trackedSince = trackedSince
        if let orgName { self.orgName = orgName }
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
    /// How each target collector has gone since start, by collector name (the orgs' are in `OrgStatus`).
    public var collectorHealth: [String: CollectorHealth] = [:]
    /// The last failure of each target collector, by collector name, for the status page.
    public var lastErrors: [String: OrgError] = [:]
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
