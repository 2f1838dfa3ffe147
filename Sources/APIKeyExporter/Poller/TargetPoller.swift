import Foundation
import Logging

/// Where a target's organizations come from.
public enum OrgSelection: Sendable, Equatable {
    /// `--atlas.org-id`, given one or more times.
    case configured([String])
    /// `GET /orgs`: every organization the credential sees.
    case discover
}

/// What a target polls besides the key listings, and how many requests it may have in flight.
public struct CollectorOptions: Sendable {
    /// `--collector.access-list`: each key's IP access list, one request per key per cycle.
    public var accessLists = false
    /// How many access-list requests may be in flight at once.
    public var accessListConcurrency = 4
    /// `--poll.concurrency`: how many organizations are polled at once, each over its own connection.
    public var orgConcurrency = 4
    /// The organizations this replica owns.
    public var shard = Shard.all

    public init(accessLists: Bool = false, accessListConcurrency: Int = 4, orgConcurrency: Int = 4, shard: Shard = .all) {
        self.accessLists = accessLists
        self.accessListConcurrency = accessListConcurrency
        self.orgConcurrency = orgConcurrency
        self.shard = shard
    }
}

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
    private let accessListCollector: AccessListCollector?
    private let shard: Shard
    public private(set) var state: TargetState

    /// `makeClient` builds one client (one connection) for each org worker and access-list worker; the clients
    /// must share `requestCounter` and `retryBudget`.
    public init(name: String, orgSelection: OrgSelection, requestCounter: RequestCounter, retryBudget: RetryBudget = RetryBudget(),
                logger: Logger, collectors: CollectorOptions = CollectorOptions(), makeClient: () -> AtlasClient) {
        self.name = name
        self.discoveryClient = makeClient()
        self.orgWorkers = BlockingWorkerPool(width: collectors.orgConcurrency, label: "org", make: makeClient)
        self.orgSelection = orgSelection
        self.requestCounter = requestCounter
        self.retryBudget = retryBudget
        self.logger = logger
        self.accessListCollector = collectors.accessLists
            ? AccessListCollector(width: collectors.accessListConcurrency, makeClient: makeClient) : nil
        self.shard = collectors.shard
        self.state = TargetState(name: name)
    }

    /// Runs one complete cycle and updates `state`. Blocks while the API answers; retries stop waiting at
    /// `deadline`, so the cycle ends in time for the next one.
    /// Returns whether every org's key listing (and the discovery, if any) succeeded.
    @discardableResult
    public func pollOnce(deadline: ContinuousClock.Instant? = nil) -> Bool {
        let clock = ContinuousClock()
        let started = clock.now
        retryBudget.startCycle(deadline: deadline)
        var allSucceeded = true

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
            pollOrg(job.status, listedName: job.listedName, client: client)
        }
        for status in polled {
            state.orgs[status.orgID] = status
            allSucceeded = allSucceeded && status.lastPollSucceeded
        }

        let elapsed = clock.now - started
        state.lastCycleDuration = elapsed.secondsDouble
        state.requestsByCode = requestCounter.snapshot()
        state.rateLimitRemaining = requestCounter.rateLimitRemaining
        state.rateLimitWaitSeconds = requestCounter.rateLimitWaitSeconds
        state.connectionsOpened = requestCounter.connectionsOpened
        state.completedCycles += 1
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

    /// One org's whole poll, on one of the org workers: keys and changes, then (after a good listing only, so a
    /// failing API is asked less) names and access lists.
    private func pollOrg(_ status: OrgStatus, listedName: String?, client: AtlasClient) -> OrgStatus {
        var status = status
        let poll = OrgKeyPoll(client: client, targetName: name, logger: logger)
        do throws(APIError) {
            let outcome = try poll.run(orgID: status.orgID, previous: status.lastGood)
            status.recordSuccess(outcome.snapshot, changes: outcome.changes)
            status.countMismatches += outcome.countMismatches
        } catch {
            status.recordFailure(error)
            logger.error("poll of organization failed; keeping its last good inventory", metadata: [
                "target": "\(name)", "org_id": "\(status.orgID)", "reason": "\(error.reason)", "err": "\(error)"])
            return status
        }
        refreshNames(of: &status, listedName: listedName, client: client)
        collectAccessLists(of: &status)
        return status
    }

    /// Org and project names, for dashboards to join on. A failure keeps the names already known and never
    /// affects the key counts.
    private func refreshNames(of status: inout OrgStatus, listedName: String?, client: AtlasClient) {
        if let listedName {
            status.orgName = SecretRedactor.shared.redactKnownSecrets(listedName)
        } else {
            do throws(APIError) {
                status.orgName = try client.organization(id: status.orgID).name.map(SecretRedactor.shared.redactKnownSecrets)
            } catch {
                logger.warning("organization name lookup failed", metadata: [
                    "target": "\(name)", "org_id": "\(status.orgID)", "err": "\(error)"])
            }
        }
        do throws(APIError) {
            let projects = try client.listProjects(orgID: status.orgID)
            status.projectNames = Dictionary(projects.map { ($0.id, SecretRedactor.shared.redactKnownSecrets($0.name ?? "")) },
                                             uniquingKeysWith: { first, _ in first })
        } catch {
            logger.warning("project listing failed; keeping the project names already known", metadata: [
                "target": "\(name)", "org_id": "\(status.orgID)", "err": "\(error)"])
        }
    }

    private func collectAccessLists(of status: inout OrgStatus) {
        guard let accessListCollector, let snapshot = status.lastGood else { return }
        var accessLists = status.accessLists ?? AccessListState()
        switch accessListCollector.collect(orgID: status.orgID, keyIDs: snapshot.keys.map(\.id)) {
        case .success(let summaries):
            accessLists.summaries = summaries
            accessLists.lastCollectionSucceeded = true
            accessLists.hasCollected = true
        case .failure(let error):
            // Keep what was known for keys that still exist; the success gauge marks it stale.
            let keyIDs = Set(snapshot.keys.map(\.id))
            accessLists.summaries = accessLists.summaries.filter { keyIDs.contains($0.key) }
            accessLists.lastCollectionSucceeded = false
            logger.error("access list collection failed; keeping the last known access lists", metadata: [
                "target": "\(name)", "org_id": "\(status.orgID)", "err": "\(error)"])
        }
        status.accessLists = accessLists
    }
}
