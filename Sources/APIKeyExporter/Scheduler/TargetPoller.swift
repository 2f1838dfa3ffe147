#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// Polls one target (one API base URL and credential): discovers its orgs, then polls them `orgConcurrency` at a
/// time (keys, changes, names, access lists), and keeps the resulting state.
/// Not thread-safe: its owner calls `pollOnce` from one Dispatch queue at a time.
public final class TargetPoller {
    public let name: String
    private let discoveryClient: AtlasClient
    private let orgWorkers: BlockingWorkerPool<AtlasClient>
    private let orgSelection: OrgSelection
    private let requestCounter: RequestCounter
    private let retryBudget: RetryBudget
    private let logger: Logger
    /// The enabled collectors, in running order (see `CollectorRegistry`).
    private let collectors: [any OrgCollector]
    private let targetCollectors: [any TargetCollector]
    private let shard: Shard
    private let store: TargetStateStore?
    public private(set) var state: TargetState
    /// The `collector` label of an org whose id from `GET /orgs` is refused (no collector runs for it).
    static let discovery = "discovery"
    /// Collectors this target's API or credential turned out not to support (`Collector.unsupported(by:)`): never
    /// run again, no series. Written by the org workers.
    private let unsupported = Mutex<Set<String>>([])

    /// `makeClient` builds one client (one connection) for each org worker and collector worker; the clients
    /// must share `requestCounter` and `retryBudget`. `collectors` are the flags' settings, `overrides` the
    /// target's own from a config file.
    public init(name: String, orgSelection: OrgSelection, requestCounter: RequestCounter, retryBudget: RetryBudget = RetryBudget(),
                logger: Logger, poll: PollOptions = PollOptions(), collectors: CollectorSettings = CollectorSettings(),
                overrides: CollectorSettings = CollectorSettings(), identity: TargetIdentity? = nil,
                makeClient: @escaping () -> AtlasClient) {
        self.name = name
        self.discoveryClient = makeClient()
        self.orgWorkers = BlockingWorkerPool(width: poll.orgConcurrency, label: "org", make: makeClient)
        self.orgSelection = orgSelection
        self.requestCounter = requestCounter
        self.retryBudget = retryBudget
        self.logger = logger
        (self.collectors, self.targetCollectors) = CollectorRegistry.make(CollectorTarget(
            name: name, baseURL: discoveryClient.baseURL, settings: collectors, overrides: overrides, makeClient: makeClient))
        self.shard = poll.shard
        self.state = TargetState(name: name)
        state.identity = identity
        store = poll.storagePath.map { TargetStateStore(directory: $0, target: name, logger: logger) }
        if let store {
            store.restore(into: &state, collectors: self.collectors)
            state.stateWriteErrors = 0
        }
    }

    /// Runs one complete cycle and updates `state`. Blocks while the API answers; retries stop waiting at
    /// `deadline`, so the cycle ends in time for the next one.
    /// Returns whether every org's key listing, the discovery (if any) and every target collector succeeded: any of
    /// them failing brings the next cycle sooner.
    @discardableResult
    public func pollOnce(deadline: ContinuousClock.Instant? = nil) -> Bool {
        let clock = ContinuousClock()
        let started = clock.now
        state.lastCycleStart = Date().timeIntervalSince1970
        retryBudget.startCycle(deadline: deadline)
        for collector in targetCollectors { collector.cycleStarted() }
        for collector in collectors { collector.cycleStarted() }
        let targetOutcomes = pollTargetCollectors()
        var allSucceeded = targetOutcomes.values.allSatisfy(\.succeeded)

        let orgs: [(id: String, name: String?)]
        switch resolveOrgs() {
        case .success(let resolved):
            // An id the API sends goes into request paths: only ids shaped as the APIs shape them are polled.
            orgs = resolved.filter { ExporterConfig.isObjectID($0.id) }
            state.discoverySucceeded = orgSelection == .discover ? true : nil
            // An org the API no longer lists is gone: drop it so none of its series linger.
            let ids = Set(resolved.map(\.id))
            state.orgs = state.orgs.filter { ids.contains($0.key) }
            for org in resolved where !ExporterConfig.isObjectID(org.id) {
                allSucceeded = false
                recordUnsafeOrgID(org.id)
            }
        case .failure(let error):
            // Keep polling the orgs we already know; discovery is retried next cycle.
            orgs = state.orgs.keys.sorted().map { ($0, nil) }
            state.discoverySucceeded = false
            allSucceeded = false
            logger.error("organization discovery failed", metadata: ["target": "\(name)", "err": "\(error)"])
        }

        // Each org's status moves out of the state into its job, so its previous snapshot is freed as soon as the
        // org is polled: a cycle holds one inventory and one org, not two inventories. The state is only read
        // after the cycle.
        var jobs: [(status: OrgStatus, listedName: String?)] = []
        jobs.reserveCapacity(orgs.count)
        for org in orgs {
            jobs.append((state.orgs.removeValue(forKey: org.id) ?? OrgStatus(orgID: org.id), org.name))
        }
        let polled = orgWorkers.map(consume jobs) { client, job in
            self.pollOrg(job.status, listedName: job.listedName, client: client)
        }
        for var status in polled {
            // The changes go into the target's bounded list, and out of the org's status.
            state.recentChanges.append(contentsOf: status.recentChanges)
            status.recentChanges = []
            state.orgs[status.orgID] = status
            allSucceeded = allSucceeded && status.lastPollSucceeded
        }

        let elapsed = clock.now - started
        state.lastCycleDuration = elapsed.secondsDouble
        state.requestsByCode = requestCounter.snapshot()
        state.rateLimitRemaining = requestCounter.rateLimitRemaining
        state.rateLimitWaitSeconds = requestCounter.rateLimitWaitSeconds
        let off = unsupported.withLock { $0 }
        state.collectorOutcomes = Self.summarize(polled: state.orgs.values.map(\.collectorOutcomes),
                                                 collectors: collectors.map { type(of: $0).name }.filter { !off.contains($0) })
            .merging(targetOutcomes) { _, target in target }
        // An unsupported collector leaves no series: what it recorded before it turned out so goes too.
        for name in off {
            state.collectorHealth[name] = nil
            for id in state.orgs.keys { state.orgs[id]?.collectorHealth[name] = nil }
        }
        state.connectionsOpened = requestCounter.connectionsOpened
        state.completedCycles += 1
        if let store, !store.save(state) {
            state.stateWriteErrors = (state.stateWriteErrors ?? 0) + 1
        }
        logger.debug("poll cycle finished", metadata: [
            "target": "\(name)", "orgs": "\(orgs.count)", "duration_seconds": "\(elapsed.secondsDouble)",
        ])
        return allSucceeded
    }

    /// An organization whose id is not 24 hexadecimal characters (say `..` or `a/b`) is never requested: it is
    /// counted as a failed poll (reason `decode`: the answer was malformed) and logged.
    private func recordUnsafeOrgID(_ id: String) {
        var status = state.orgs[id] ?? OrgStatus(orgID: id)
        let error = APIError.decode(path: "results[].id", message: "not an organization id (24 hexadecimal characters)",
                                    url: discoveryClient.baseURL + "/orgs")
        status.recordFailure(error)
        // No collector runs for it: the failure is the discovery's, counted under that name.
        var health = status.collectorHealth[Self.discovery] ?? CollectorHealth(since: status.trackedSince)
        health.recordError(error)
        health.recordRun(CollectorOutcome(succeeded: false, seconds: 0), endedAt: Date().timeIntervalSince1970)
        status.collectorHealth[Self.discovery] = health
        status.lastErrors[Self.discovery] = OrgError(collector: Self.discovery, error: error)
        state.orgs[id] = status
        logger.error("organization id from GET /orgs is not an organization id; not polled", metadata: [
            "target": "\(name)", "org_id": "\(id)", "reason": "\(error.reason)"])
    }

    /// The orgs to poll this cycle: configured or discovered, then only those of this replica's shard.
    private func resolveOrgs() -> Result<[(id: String, name: String?)], APIError> {
        let all: Result<[(id: String, name: String?)], APIError>
        switch orgSelection {
        case .configured(let ids):
            all = .success(ids.map { ($0, nil) })
        case .discover:
            all = Result { () throws(APIError) in
                try discoveryClient.listOrganizations().map { ($0.id, $0.name) }.sorted { $0.id < $1.id }
            }
        }
        return all.map { orgs in orgs.filter { shard.owns(orgID: $0.id) } }
    }

    /// One org's whole poll, on one of the org workers: every enabled collector in turn, producers before the
    /// collectors that use what they produce. A collector that needs a product whose producer failed for the org in
    /// this cycle does not run, and counts as failed; a failure never stops the others.
    private func pollOrg(_ status: OrgStatus, listedName: String?, client: AtlasClient) -> OrgStatus {
        var status = status
        status.lastCycleChanges = []
        let context = OrgCollectionContext(client: client, targetName: name, logger: logger, listedName: listedName)
        var outcomes: [String: CollectorOutcome] = [:]
        let clock = ContinuousClock()
        for collector in collectors {
            let kind = type(of: collector)
            guard !isUnsupported(kind.name) else { continue }
            var health = status.collectorHealth[kind.name] ?? CollectorHealth(since: status.trackedSince)
            let failedProducer = kind.needs.contains { product in
                collectors.contains { type(of: $0).produces.contains(product) && outcomes[type(of: $0).name]?.succeeded == false }
            }
            guard !failedProducer else {
                outcomes[kind.name] = CollectorOutcome(succeeded: false, seconds: 0)
                health.recordRun(CollectorOutcome(succeeded: false, seconds: 0), endedAt: Date().timeIntervalSince1970)
                status.collectorHealth[kind.name] = health
                continue
            }
            let started = clock.now
            let mismatchesBefore = client.listingCountMismatches
            var succeeded = true
            do throws(APIError) {
                try collector.collect(&status, context: context)
            } catch {
                if let reason = collector.unsupported(by: error) {
                    markUnsupported(kind.name, reason: reason, error: error)
                    continue
                }
                succeeded = false
                collector.recordFailure(error, in: &status, context: context)
                status.lastErrors[kind.name] = OrgError(collector: kind.name, error: error)
                health.recordError(error)
            }
            let outcome = CollectorOutcome(succeeded: succeeded, seconds: (clock.now - started).secondsDouble)
            outcomes[kind.name] = outcome
            health.listingCountMismatches += client.listingCountMismatches - mismatchesBefore
            health.recordRun(outcome, endedAt: Date().timeIntervalSince1970)
            status.collectorHealth[kind.name] = health
        }
        for collector in collectors {
            collector.orgFinished(&status, context: context)
        }
        return status
    }

    /// The target collectors' run of this cycle, on the discovery connection: each one's outcome by name.
    private func pollTargetCollectors() -> [String: CollectorOutcome] {
        let context = TargetCollectionContext(client: discoveryClient, targetName: name, logger: logger)
        let clock = ContinuousClock()
        var outcomes: [String: CollectorOutcome] = [:]
        for collector in targetCollectors {
            let name = type(of: collector).name
            guard !isUnsupported(name) else { continue }
            var health = state.collectorHealth[name] ?? CollectorHealth(since: state.startedAt)
            let started = clock.now
            let mismatchesBefore = discoveryClient.listingCountMismatches
            var succeeded = true
            do throws(APIError) {
                try collector.collect(&state, context: context)
            } catch {
                if let reason = collector.unsupported(by: error) {
                    markUnsupported(name, reason: reason, error: error)
                    continue
                }
                succeeded = false
                collector.recordFailure(error, in: &state, context: context)
                state.lastErrors[name] = OrgError(collector: name, error: error)
                health.recordError(error)
            }
            let outcome = CollectorOutcome(succeeded: succeeded, seconds: (clock.now - started).secondsDouble)
            outcomes[name] = outcome
            health.listingCountMismatches += discoveryClient.listingCountMismatches - mismatchesBefore
            health.recordRun(outcome, endedAt: Date().timeIntervalSince1970)
            state.collectorHealth[name] = health
        }
        return outcomes
    }

    private func isUnsupported(_ name: String) -> Bool {
        unsupported.withLock { $0.contains(name) }
    }

    /// Turns a collector off for this target, with one warning line the first time.
    private func markUnsupported(_ name: String, reason: String, error: APIError) {
        guard unsupported.withLock({ $0.insert(name).inserted }) else { return }
        logger.warning("\(reason); the \(name) collector is off for this target",
                       metadata: ["target": "\(self.name)", "collector": "\(name)", "err": "\(error)"])
    }

    /// Per collector, for the target: succeeded if every org's run succeeded, and the time spent over all orgs.
    static func summarize(polled: [[String: CollectorOutcome]], collectors: [String]) -> [String: CollectorOutcome] {
        var summary: [String: CollectorOutcome] = [:]
        for name in collectors {
            var outcome = CollectorOutcome(succeeded: true, seconds: 0)
            for org in polled {
                guard let run = org[name] else { continue }
                outcome.succeeded = outcome.succeeded && run.succeeded
                outcome.seconds += run.seconds
            }
            summary[name] = outcome
        }
        return summary
    }
}
