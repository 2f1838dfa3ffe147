import ArgumentParser

/// The `activity_feed` collector's flags, beside the collector (the command includes them with `@OptionGroup`).
public struct ActivityFeedCollectorFlags: ParsableArguments {
    @Flag(name: .customLong("collector.activity-feed"), inversion: .prefixedNo,
          help: "Read each organization's activity feed for key and service account events (needs the Organization Member role).")
    public var enabled = true

    @Option(name: .customLong("collector.activity-feed.lookback"),
            help: "How far the first read after start goes back (default: the poll interval).")
    public var lookback: String?

    public init() {}

    public func apply(to raw: inout RawSettings) {
        raw.activityFeed = enabled
        raw.activityFeedLookback = lookback
    }
}
