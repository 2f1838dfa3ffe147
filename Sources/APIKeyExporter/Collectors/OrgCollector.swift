import Logging

/// One concern polled per organization: what it fetches, the state it keeps in the org's status, and the metric
/// families it renders from that state. Every collector lives in its own folder under `Collectors/` and is listed
/// once in `CollectorRegistry`.
///
/// A collector instance belongs to one target (it may hold workers and connections); its families are rendered
/// for all targets at once, so they are static.
protocol OrgCollector: AnyObject, Sendable {
    /// The `collector` label of `mongodb_apikey_exporter_collector_success` and `..._duration_seconds`.
    static var name: String { get }
    /// Collectors that must have succeeded for the org in this cycle before this one runs; when one failed, this
    /// one does not run and counts as failed for the org.
    static var dependencies: [String] { get }
    /// The metric families this collector renders from every org's status.
    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily]

    /// This target's instance, or nil when the collector is off.
    static func make(options: CollectorOptions, target: CollectorTarget, makeClient: () -> AtlasClient) -> Self?

    /// Fetches this collector's data for one org and records it in `org`; called on one of the target's org
    /// workers, with that worker's client. Blocks while the API answers.
    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError)

    /// Records a failed `collect` (keep what was known, mark it stale, log one line).
    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext)

    /// Called before each cycle's orgs (for once-per-cycle bookkeeping); does nothing by default.
    func cycleStarted()
}

extension OrgCollector {
    func cycleStarted() {}
}

/// What a collector gets to work with for one org.
struct OrgCollectionContext {
    /// The org worker's client (one connection, used by one org at a time).
    let client: AtlasClient
    let targetName: String
    let logger: Logger
    /// The org's name as `GET /orgs` listed it; nil when org ids are configured.
    let listedName: String?
}

/// What a collector may need to know of its target when it is made.
struct CollectorTarget {
    /// The Admin API base URL (a service-account collector is on by default for Atlas v2 only).
    let baseURL: String
}

/// How one collector's run went for one org in the last cycle.
public struct CollectorOutcome: Sendable, Equatable {
    public var succeeded: Bool
    public var seconds: Double

    public init(succeeded: Bool, seconds: Double) {
        self.succeeded = succeeded
        self.seconds = seconds
    }
}

/// Every collector the exporter knows, in the order they run for an org. Adding a collector: a folder under
/// `Collectors/` and one line here.
enum CollectorRegistry {
    static let all: [any OrgCollector.Type] = [
        KeysCollector.self,
        NamesCollector.self,
        AccessListCollector.self,
        ServiceAccountsCollector.self,
        ActivityFeedCollector.self,
    ]

    /// The enabled collectors of one target, in running order.
    static func make(options: CollectorOptions, target: CollectorTarget, makeClient: () -> AtlasClient) -> [any OrgCollector] {
        all.compactMap { $0.make(options: options, target: target, makeClient: makeClient) }
    }
}
