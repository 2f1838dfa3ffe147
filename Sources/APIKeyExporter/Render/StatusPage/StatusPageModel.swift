#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the status page shows, summarised from the target states after each cycle: a few values per org and the
/// recent changes, never the keys themselves, so the cache holds no second inventory. The page is rendered from it
/// per request (cheap: no API call, no key), so "3 min ago" is true when it is read.
public struct StatusPageModel: Sendable {
    public struct Org: Sendable {
        public var id: String
        public var name: String?
        /// The collectors' cells, one per column of `StatusPageModel.orgColumns`.
        public var cells: [StatusCell]
        public var lastSuccess: Double?
        public var pollSucceeded: Bool
        /// The errors of the last cycle, by collector name; if there is none, the latest older one.
        public var currentErrors: [OrgError]
        public var pastError: OrgError?
        public var collectorOutcomes: [(name: String, outcome: CollectorOutcome)]

        /// Whether any of the org's collectors failed in the last cycle (the keys listing included).
        public var failing: Bool {
            !pollSucceeded || collectorOutcomes.contains { !$0.outcome.succeeded }
        }
    }

    public struct Target: Sendable {
        public var name: String
        public var identity: TargetIdentity?
        public var lastCycleStart: Double?
        public var lastCycleDuration: Double?
        public var completedCycles: Int
        public var discoverySucceeded: Bool?
        public var requests: Int
        /// Exchanges that got no 2xx answer (any other status, or none; Digest challenges included).
        public var failedRequests: Int
        public var rateLimitRemaining: Int?
        /// The target collectors' cells, one per column of `StatusPageModel.targetColumns`.
        public var cells: [StatusCell]
        /// How each target collector's last run went, by name.
        public var collectorOutcomes: [(name: String, outcome: CollectorOutcome)]
        /// The target collectors' errors of the last cycle.
        public var currentErrors: [OrgError]
        public var orgs: [Org]

        /// The target collectors that failed in the last cycle.
        public var failedCollectors: [String] {
            collectorOutcomes.filter { !$0.outcome.succeeded }.map(\.name)
        }

        /// Whether the last cycle left anything failing: discovery, a target collector or any org.
        public var failing: Bool {
            discoverySucceeded == false || !failedCollectors.isEmpty || orgs.contains(where: \.failing)
        }
    }

    public var targets: [Target]
    /// The org collectors' columns in the table of organizations, in registry order.
    public var orgColumns: [String]
    /// The target collectors' columns in the table of targets.
    public var targetColumns: [String]
    /// Newest first, at most `RecentChanges.capacity` over all targets.
    public var changes: [RecentChange]
    public var pollInterval: Duration?
    /// Unix time the states were published (the end of the last cycle), or the start before the first.
    public var publishedAt: Double

    public init(_ states: [TargetState], pollInterval: Duration?, publishedAt: Double = Date().timeIntervalSince1970) {
        targets = states.sorted { $0.name < $1.name }.map(Self.target)
        orgColumns = CollectorRegistry.orgCollectors.flatMap { $0.statusColumns }
        targetColumns = CollectorRegistry.targetCollectors.flatMap { $0.statusColumns }
        changes = RecentChanges.merged(states.map(\.recentChanges))
        self.pollInterval = pollInterval
        self.publishedAt = publishedAt
    }

    private static func target(_ state: TargetState) -> Target {
        let requests = state.requestsByCode.values.reduce(0, +)
        let succeeded = state.requestsByCode.filter { $0.key.hasPrefix("2") }.values.reduce(0, +)
        return Target(name: state.name, identity: state.identity, lastCycleStart: state.lastCycleStart,
                      lastCycleDuration: state.lastCycleDuration, completedCycles: state.completedCycles,
                      discoverySucceeded: state.discoverySucceeded, requests: requests,
                      failedRequests: requests - succeeded, rateLimitRemaining: state.rateLimitRemaining,
                      cells: CollectorRegistry.targetCollectors.flatMap { $0.statusCells(state) },
                      collectorOutcomes: state.collectorHealth.sorted { $0.key < $1.key }.compactMap { name, health in
                          health.lastOutcome.map { (name, $0) }
                      },
                      currentErrors: state.lastErrors.values.filter { $0.at >= (state.lastCycleStart ?? 0) }
                          .sorted { $0.collector < $1.collector },
                      orgs: state.sortedOrgs.map { org($0, cycleStart: state.lastCycleStart ?? 0) })
    }

    private static func org(_ status: OrgStatus, cycleStart: Double) -> Org {
        let errors = status.lastErrors.values.sorted { $0.collector < $1.collector }
        let current = errors.filter { $0.at >= cycleStart }
        return Org(id: status.orgID, name: status.orgName,
                   cells: CollectorRegistry.orgCollectors.flatMap { $0.statusCells(status) },
                   lastSuccess: status.lastGood?.completedAt, pollSucceeded: status.lastPollSucceeded,
                   currentErrors: current, pastError: current.isEmpty ? errors.max { $0.at < $1.at } : nil,
                   collectorOutcomes: status.collectorOutcomes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
