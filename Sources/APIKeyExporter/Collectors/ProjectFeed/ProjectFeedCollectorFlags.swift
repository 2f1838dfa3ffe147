import ArgumentParser

/// How far the project feed reads back: its first read after start goes back the poll interval (as the org feed's
/// does by default), a read after a restart at most 7 days from where the last one stopped.
public struct ProjectFeedWindow: CollectorSetting {
    public var lookback: Duration = .seconds(300)
    public var maxCatchUp: Duration = .seconds(7 * 86400)

    public init() {}
}

/// The `project_feed` collector's window, from `--poll.interval` (it has no flags of its own besides its switch).
struct ProjectFeedCollectorFlags: CollectorFlagSet {
    init() {}

    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError) {
        var window = ProjectFeedWindow()
        window.lookback = context.pollInterval
        // Never shorter than two poll intervals, or a long interval would cut every ordinary read short.
        window.maxCatchUp = max(window.maxCatchUp, context.pollInterval * 2)
        settings[ProjectFeedWindow.self] = window
    }
}
