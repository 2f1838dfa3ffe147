/// The one place that turns target states into what scrapes are served: renders the states (text, and OpenMetrics
/// once a scraper has asked for it), summarises them for the status page, publishes both into the cache, and gives
/// the memory a cycle freed back to the system.
/// The scheduler calls it around each cycle; the benchmark calls it the same way.
public final class ExpositionPublisher: Sendable {
    private let renderer: InventoryRenderer
    private let cache: ExpositionCache
    private let reloadStatus: ConfigReloadStatus?

    /// `reloadStatus`: the reloader's status, rendered with every exposition; nil without a config file.
    public init(renderer: InventoryRenderer, cache: ExpositionCache, reloadStatus: ConfigReloadStatus? = nil) {
        self.renderer = renderer
        self.cache = cache
        self.reloadStatus = reloadStatus
    }

    /// Until the first cycle ends, scrapes see the build info and self-metrics only.
    public func publishInitial() {
        render([], ready: false)
        cache.publish(statusPage: StatusPageModel([], pollInterval: renderer.options.pollInterval))
    }

    /// Before a cycle: the cache lets go of the last inventory, so that the cycle holds one inventory, not two.
    public func cycleStarting() {
        cache.settle()
    }

    /// Renders `states` and serves them from now on; `ready` once every target finished a cycle.
    public func publish(_ states: [TargetState]) {
        render(states, ready: states.allSatisfy { $0.completedCycles > 0 })
        cache.publish(statusPage: StatusPageModel(states, pollInterval: renderer.options.pollInterval))
        FreedMemory.release()
    }

    /// Both formats here, on the poller's queue, once OpenMetrics is wanted: a scrape then only sends bytes. Before
    /// that, OpenMetrics is left to the first scrape that asks (see `ExpositionCache`).
    private func render(_ states: [TargetState], ready: Bool) {
        let reload = reloadStatus?.current ?? ReloadStatus()
        let text = renderer.renderDeflated(states, reload: reload)
        if cache.wantsOpenMetrics {
            cache.publish(text: text, openMetrics: renderer.renderDeflated(states, reload: reload, format: .openMetrics),
                          ready: ready)
        } else {
            cache.publish(text: text, openMetrics: { [renderer] in renderer.renderDeflated(states, reload: reload, format: .openMetrics) },
                          ready: ready)
        }
    }
}
