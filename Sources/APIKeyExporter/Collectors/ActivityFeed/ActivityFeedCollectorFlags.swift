import ArgumentParser

/// How far the feed's first read after start goes back (the poll interval unless the flag says).
public struct ActivityFeedLookback: CollectorSetting {
    public var duration: Duration = .seconds(300)

    public init() {}

    public init(_ duration: Duration) {
        self.duration = duration
    }
}

/// How far a read after a restart goes back at most, from the position saved with `--storage.path`: a state saved
/// long ago must not make the first cycle read months of events.
public struct ActivityFeedMaxCatchUp: CollectorSetting {
    public var duration: Duration = .seconds(7 * 86400)

    public init() {}

    public init(_ duration: Duration) {
        self.duration = duration
    }
}

/// The `activity_feed` collector's flags besides its switch.
struct ActivityFeedCollectorFlags: CollectorFlagSet {
    @Option(name: .customLong("collector.activity-feed.lookback"),
            help: "How far the first read after start goes back (default: the poll interval).")
    var lookback: String?

    @Option(name: .customLong("collector.activity-feed.max-catch-up"),
            help: "With --storage.path: how far the first read after a restart goes back at most from where the last one stopped (default: 7d).")
    var maxCatchUp: String?

    init() {}

    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError) {
        let duration = try lookback.map { (text: String) throws(ConfigError) in
            try TargetChecks.named("--collector.activity-feed.lookback") { () throws(ConfigError) in
                try TargetChecks.duration(text, range: DurationRange.interval)
            }
        }
        settings[ActivityFeedLookback.self] = ActivityFeedLookback(duration ?? context.pollInterval)
        let catchUp = try maxCatchUp.map { (text: String) throws(ConfigError) in
            try TargetChecks.named("--collector.activity-feed.max-catch-up") { () throws(ConfigError) in
                try TargetChecks.duration(text, range: DurationRange.interval)
            }
        }
        // Never shorter than two poll intervals, or a long interval would cut every ordinary read short.
        settings[ActivityFeedMaxCatchUp.self] = ActivityFeedMaxCatchUp(
            max(catchUp ?? ActivityFeedMaxCatchUp().duration, context.pollInterval * 2))
    }
}
