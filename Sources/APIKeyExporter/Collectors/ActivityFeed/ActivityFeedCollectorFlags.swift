import ArgumentParser

/// Whether the `activity_feed` collector runs: the flag, and a config file's target key `activity_feed` over it.
public struct ActivityFeedSetting: CollectorSetting {
    public var enabled = true

    public init() {}

    public init(enabled: Bool) {
        self.enabled = enabled
    }
}

/// How far the feed's first read after start goes back (the poll interval unless the flag says).
public struct ActivityFeedLookback: CollectorSetting {
    public var duration: Duration = .seconds(300)

    public init() {}

    public init(_ duration: Duration) {
        self.duration = duration
    }
}

/// The `activity_feed` collector's flags.
struct ActivityFeedCollectorFlags: CollectorFlagSet {
    @Flag(name: .customLong("collector.activity-feed"), inversion: .prefixedNo,
          help: "Read each organization's activity feed for key and service account events (needs the Organization Member role).")
    var enabled = true

    @Option(name: .customLong("collector.activity-feed.lookback"),
            help: "How far the first read after start goes back (default: the poll interval).")
    var lookback: String?

    init() {}

    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError) {
        settings[ActivityFeedSetting.self] = ActivityFeedSetting(enabled: enabled)
        let duration = try lookback.map { (text: String) throws(ConfigError) in
            try TargetChecks.named("--collector.activity-feed.lookback") { () throws(ConfigError) in
                try TargetChecks.duration(text, range: DurationRange.interval)
            }
        }
        settings[ActivityFeedLookback.self] = ActivityFeedLookback(duration ?? context.pollInterval)
    }
}
