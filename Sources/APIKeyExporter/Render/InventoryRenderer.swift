/// Renders every target's inventory into Prometheus text format, once per poll cycle.
///
/// Families come out sorted by name and series sorted by label values, so two renders of the same state are
/// byte-identical. Families without a sample are left out.
public struct InventoryRenderer: Sendable {
    public struct Options: Sendable {
        /// `--collector.key-info`: the per-key families (info, creation time, roles).
        public var keyInfo = true
        /// `--poll.interval`, exported so alerts can say "no success for three intervals" without a constant.
        public var pollInterval: Duration?
        /// `--shard.count` / `--shard.index`, reported by `mongodb_apikey_exporter_shard_info`.
        public var shard: Shard

        public init(keyInfo: Bool = true, pollInterval: Duration? = nil, shard: Shard = .all) {
            self.keyInfo = keyInfo
            self.pollInterval = pollInterval
            self.shard = shard
        }
    }

    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// The exposition as an array: for tests and small inventories.
    public func render(_ targets: [TargetState], reload: ReloadStatus = ReloadStatus(), format: ExpositionFormat = .text) -> [UInt8] {
        var output = TextFormatWriter(capacity: 1 << 16, format: format)
        write(targets, reload: reload, to: &output)
        return output.bytes
    }

    /// The exposition deflated as it is written, served by every scrape until the next cycle: the plain text is
    /// never held whole (see `DeflatedExposition`).
    public func renderDeflated(_ targets: [TargetState], reload: ReloadStatus = ReloadStatus(),
                               format: ExpositionFormat = .text) -> DeflatedExposition {
        let deflater = Deflater()
        var output = TextFormatWriter(format: format) { deflater.write($0) }
        write(targets, reload: reload, to: &output)
        output.finish()
        return deflater.finish()
    }

    private func write(_ targets: [TargetState], reload: ReloadStatus, to output: inout TextFormatWriter) {
        let scope = RenderScope(targets: targets.sorted { $0.name < $1.name })
        for family in Self.families(scope, options: options, reload: reload) {
            // Header first, samples straight after it; a family that wrote no sample is taken back.
            let start = output.position
            output.family(family.name, type: family.type, help: family.help)
            let header = output.position
            family.body(&output, family.name)
            if output.position == header { output.truncate(to: start) }
        }
    }

    /// Every family this exporter declares, whatever is on (for docs/metrics.md).
    public static func declaredFamilies() -> [FamilyDeclaration] {
        let options = Options(keyInfo: true, pollInterval: .seconds(300), shard: Shard(index: 0, count: 2))
        let reload = ReloadStatus(lastReloadSucceeded: true, lastSuccessTime: 0)
        let rendered = families(RenderScope(targets: []), options: options, reload: reload).map {
            FamilyDeclaration(name: $0.name, type: $0.type.rawValue, labels: $0.labels, help: $0.help)
        }
        // The process families are rendered per scrape (see `ProcessMetrics`), not per cycle.
        return (rendered + ProcessFamily.allCases.map(\.declaration)).sorted { $0.name < $1.name }
    }

    /// The families to render for `scope`, sorted by name.
    private static func families(_ scope: RenderScope, options: Options, reload: ReloadStatus) -> [MetricFamily] {
        var families = HealthFamilies.all(scope) + CollectorFamilies.all(scope)
        for collector in CollectorRegistry.all {
            families += collector.families(scope, options: options)
        }
        families.append(MetricFamily(
            name: "mongodb_apikey_exporter_build_info", type: .gauge, labels: ["version", "revision"],
            help: "A metric with a constant 1 labeled by the version and git revision of the exporter."
        ) { writer, name in
            writer.sample(name,
                          [("version", BuildInfo.version), ("revision", BuildInfo.revision)], 1)
        })
        families += Self.reloadFamilies(reload)
        let shard = options.shard
        if shard.count > 1 {
            families.append(MetricFamily(
            name: "mongodb_apikey_exporter_shard_info", type: .gauge, labels: ["shard_index", "shard_count", "version"],
            help: "A metric with a constant 1 labeled by this replica's shard (index of count) and version."
        ) { writer, name in
            writer.sample(name,
                          [("shard_index", String(shard.index)), ("shard_count", String(shard.count)),
                           ("version", BuildInfo.version)], 1)
            })
        }
        if let pollInterval = options.pollInterval {
            families.append(MetricFamily(
                name: "mongodb_apikey_exporter_poll_interval_seconds", type: .gauge, labels: [],
                help: "The configured time between poll cycles, in seconds."
            ) { writer, name in
                writer.sample(name, [], pollInterval.secondsDouble)
            })
        }
        return families.sorted { $0.name < $1.name }
    }

    /// Like Prometheus' own: whether the last `--config.file` reload (SIGHUP) worked, and when one last did.
    /// Absent without a config file.
    static func reloadFamilies(_ reload: ReloadStatus) -> [MetricFamily] {
        guard let succeeded = reload.lastReloadSucceeded else { return [] }
        var families = [MetricFamily(name: "mongodb_apikey_exporter_config_last_reload_successful", type: .gauge, labels: [],
                                     help: "1 if the last reload of --config.file succeeded, 0 if it failed and the "
                                         + "previous configuration is still running.") { writer, name in
            writer.sample(name, [], succeeded ? 1 : 0)
        }]
        if let time = reload.lastSuccessTime {
            families.append(MetricFamily(name: "mongodb_apikey_exporter_config_last_reload_success_timestamp_seconds",
                                         type: .gauge, labels: [],
                                         help: "Unix time of the last successful load of --config.file.") { writer, name in
                writer.sample(name, [], time)
            })
        }
        return families
    }
}

/// A metric family as declared: what docs/metrics.md lists.
public struct FamilyDeclaration: Sendable, Equatable {
    public var name: String
    /// `gauge` or `counter`.
    public var type: String
    public var labels: [String]
    public var help: String
}

/// The outcome of loading `--config.file`, at start and on each SIGHUP.
public struct ReloadStatus: Sendable {
    /// Nil without a config file.
    public var lastReloadSucceeded: Bool?
    public var lastSuccessTime: Double?

    public init(lastReloadSucceeded: Bool? = nil, lastSuccessTime: Double? = nil) {
        self.lastReloadSucceeded = lastReloadSucceeded
        self.lastSuccessTime = lastSuccessTime
    }
}
