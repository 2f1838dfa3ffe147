import Logging

/// What every collector is, whether it runs per organization or once per target: a name, settings from its flags
/// and its config-file keys, its lines on `/config` and the status page, and the metric families it renders.
/// Each collector lives in its own folder under `Collectors/`, which holds all of that (and its endpoints, models
/// and state), and is listed once in `CollectorRegistry`: nothing else names it.
///
/// A collector instance belongs to one target (it may hold workers and connections); its families are rendered
/// for all targets at once, so they are static.
protocol Collector: AnyObject, Sendable {
    /// The `collector` label of `mongodb_apikey_exporter_collector_success` and `..._duration_seconds`.
    static var name: String { get }
    /// The metric families this collector renders from every target's state.
    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily]
    /// This target's instance, or nil when the collector is off for it.
    static func make(_ target: CollectorTarget) -> Self?

    /// The keys this collector reads in a config file's target, e.g. `activity_feed`.
    static var targetKeys: [String] { get }
    /// Reads those keys of one target into `settings` (the target's own, over the flags').
    static func readTarget(_ keys: TargetKeys, into settings: inout CollectorSettings) throws(ConfigError)
    /// `/config` lines under `collectors:`, from the flags' settings.
    static func configLines(_ settings: CollectorSettings) -> [String]
    /// `/config` lines of a target that sets this collector's keys.
    static func targetConfigLines(_ settings: CollectorSettings) -> [String]

    /// Called before each cycle (for once-per-cycle bookkeeping).
    func cycleStarted()
    /// Whether `error` means this API or credential has none of what the collector reads (a 404 where the API lacks
    /// the resource, say), as the reason to log; nil for an ordinary failure. The seam then turns the collector off
    /// for the target: one warning line, never run again, no failing series.
    func unsupported(by error: APIError) -> String?
}

extension Collector {
    static var targetKeys: [String] { [] }
    static func readTarget(_ keys: TargetKeys, into settings: inout CollectorSettings) throws(ConfigError) {}
    static func configLines(_ settings: CollectorSettings) -> [String] { [] }
    static func targetConfigLines(_ settings: CollectorSettings) -> [String] { [] }
    func cycleStarted() {}
    func unsupported(by error: APIError) -> String? { nil }
}

/// A collector polled once per organization, on the target's org workers.
protocol OrgCollector: Collector {
    /// What it leaves in the org's status for other collectors (see `SeamProduct`).
    static var produces: Set<SeamProduct> { get }
    /// What it cannot run without: for an org where a collector producing one of these failed in this cycle, it
    /// does not run and counts as failed.
    static var needs: Set<SeamProduct> { get }
    /// What it reads when it is there (this cycle's if its producer ran, else the last known).
    static var reads: Set<SeamProduct> { get }
    /// Its columns in the status page's table of organizations.
    static var statusColumns: [String] { get }
    /// One cell per column for one org.
    static func statusCells(_ org: OrgStatus) -> [StatusCell]

    /// Fetches this collector's data for one org and records it in `org`; called on one of the target's org
    /// workers, with that worker's client. Blocks while the API answers.
    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError)
    /// Records a failed `collect` (keep what was known, mark it stale, log one line).
    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext)
    /// Called once every collector has run for the org, e.g. to log the changes found with who made them.
    func orgFinished(_ org: inout OrgStatus, context: OrgCollectionContext)
    /// Called once for each org restored from `--storage.path`, before the first cycle: derives from this
    /// target's settings what the saved state does not hold (owner labels), so that it shows from the start.
    func restored(_ org: inout OrgStatus)
}

extension OrgCollector {
    static var produces: Set<SeamProduct> { [] }
    static var needs: Set<SeamProduct> { [] }
    static var reads: Set<SeamProduct> { [] }
    static var statusColumns: [String] { [] }
    static func statusCells(_ org: OrgStatus) -> [StatusCell] { [] }
    func orgFinished(_ org: inout OrgStatus, context: OrgCollectionContext) {}
    func restored(_ org: inout OrgStatus) {}
}

/// A collector polled once per target and cycle, for what belongs to the whole installation rather than to an
/// organization (Ops Manager's global API keys). Runs before the organizations, on the target's own connection.
protocol TargetCollector: Collector {
    /// Its columns in the status page's table of targets.
    static var statusColumns: [String] { get }
    static func statusCells(_ target: TargetState) -> [StatusCell]

    func collect(_ target: inout TargetState, context: TargetCollectionContext) throws(APIError)
    func recordFailure(_ error: APIError, in target: inout TargetState, context: TargetCollectionContext)
}

extension TargetCollector {
    static var statusColumns: [String] { [] }
    static func statusCells(_ target: TargetState) -> [StatusCell] { [] }
}

/// What an org collector gets to work with for one org.
struct OrgCollectionContext {
    /// The org worker's client (one connection, used by one org at a time).
    let client: AtlasClient
    let targetName: String
    let logger: Logger
    /// The org's name as `GET /orgs` listed it; nil when org ids are configured.
    let listedName: String?
}

/// What a target collector gets to work with in one cycle.
struct TargetCollectionContext {
    let client: AtlasClient
    let targetName: String
    let logger: Logger
}

/// What a collector may need to know of its target when it is made.
struct CollectorTarget {
    let name: String
    /// The Admin API base URL; its flavour decides which collectors are on by default.
    let baseURL: String
    /// The collectors' settings from the flags.
    let settings: CollectorSettings
    /// This target's own settings from the config file, over the flags' (only what the file sets).
    let overrides: CollectorSettings
    /// A client of its own (one connection), for collectors that keep workers.
    let makeClient: () -> AtlasClient

    var flavor: APIFlavor { APIFlavor(baseURL: baseURL) }

    /// The target's setting of type `S`: its own where the file gives one, else the flags'.
    func setting<S: CollectorSetting>(_ type: S.Type) -> S {
        overrides.value(type) ?? settings[type]
    }
}

/// How one collector's run went for one org (or target) in the last cycle.
public struct CollectorOutcome: Sendable, Equatable {
    public var succeeded: Bool
    public var seconds: Double

    public init(succeeded: Bool, seconds: Double) {
        self.succeeded = succeeded
        self.seconds = seconds
    }
}

/// One cell a collector puts in a row of the status page: plain text (escaped when rendered), or nil for none.
public struct StatusCell: Sendable, Equatable {
    public var text: String?
    /// A class for the cell (tests and stylesheets find cells by it).
    public var cssClass: String?

    public init(_ text: String?, cssClass: String? = nil) {
        self.text = text
        self.cssClass = cssClass
    }

    public init(count: Int?, cssClass: String? = nil) {
        self.init(count.map(String.init), cssClass: cssClass)
    }
}

/// An org collector whose state survives a restart (`--storage.path`): what its change detection needs is saved
/// after each cycle and put back into the org before the first cycle after a start, so that cycle counts what
/// changed while the exporter was down, once. The saved form is the collector's own, in its folder.
protocol PersistentOrgCollector: OrgCollector {
    associatedtype Saved: Codable
    /// What to save of the org; nil when there is nothing yet (never collected).
    static func saved(_ org: OrgStatus) -> Saved?
    /// Puts `saved` back into an org that has not been polled since the start.
    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double)
}

/// The same for a target collector.
protocol PersistentTargetCollector: TargetCollector {
    associatedtype Saved: Codable
    static func saved(_ target: TargetState) -> Saved?
    static func restore(_ saved: Saved, into target: inout TargetState, restoredAt: Double)
}
