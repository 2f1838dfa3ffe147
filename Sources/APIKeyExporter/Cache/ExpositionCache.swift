import Hummingbird
import Synchronization

/// The exposition of the last poll cycle, rendered once and shared by every scrape without copying; held deflated
/// (`DeflatedExposition`), as nearly every scrape asks for gzip.
///
/// Text format 0.0.4, what Prometheus asks for by default, is rendered by the poller after each cycle. OpenMetrics
/// is rendered by the first scrape that asks for it after a cycle, then served from here like the text: an
/// exporter nobody scrapes in OpenMetrics never pays for it.
///
/// Rendering OpenMetrics later needs the cycle's inventory, and holding it into the next cycle would keep two
/// inventories in memory. So when a cycle starts (`settle()`), the inventory is let go: OpenMetrics is rendered
/// first if any scraper has asked for it, and otherwise a scrape asking for it before the next cycle ends gets
/// text 0.0.4, which its `Accept` header also allows, and marks OpenMetrics as wanted from then on.
public final class ExpositionCache: Sendable {
    private struct State {
        var generation = Generation(text: DeflatedExposition([]), renderOpenMetrics: nil)
        var ready = false
        /// What the status page shows, summarised from the same states as the exposition.
        var statusPage = StatusPageModel([], pollInterval: nil)
    }

    private let state = Mutex(State())
    private let openMetricsWanted = Atomic(false)

    public init() {}

    /// Replaces what scrapes see. `ready` turns true once every target has finished a cycle.
    public func publish(text: DeflatedExposition, openMetrics: @escaping @Sendable () -> DeflatedExposition, ready: Bool) {
        let generation = Generation(text: text, renderOpenMetrics: openMetrics)
        state.withLock {
            $0.generation = generation
            $0.ready = $0.ready || ready
        }
    }

    /// Replaces what the status page shows; published with each exposition.
    public func publish(statusPage: StatusPageModel) {
        state.withLock { $0.statusPage = statusPage }
    }

    /// The status page's summary of the last published states.
    public var statusPage: StatusPageModel {
        state.withLock { $0.statusPage }
    }

    /// Lets go of the last cycle's inventory before the next cycle replaces it (see the type's comment).
    public func settle() {
        let generation = current
        if openMetricsWanted.load(ordering: .relaxed) {
            _ = generation.openMetrics()
        }
        generation.dropRenderInputs()
    }

    /// The last published exposition; scrapes take it once and serve everything from it.
    public var current: Generation {
        state.withLock { $0.generation }
    }

    /// The last rendered inventory in text format 0.0.4, inflated whole: for tests and tools, not the scrape path.
    public func plainText() -> ByteBuffer {
        current.text.plainText()
    }

    /// The body of `generation` for a scraper that asked for `requested`, and the format it is in.
    public func body(_ requested: ExpositionFormat, of generation: Generation) -> (ExpositionFormat, DeflatedExposition) {
        guard requested == .openMetrics else { return (.text, generation.text) }
        openMetricsWanted.store(true, ordering: .relaxed)
        if let openMetrics = generation.openMetrics() { return (.openMetrics, openMetrics) }
        return (.text, generation.text)
    }

    public var isReady: Bool {
        state.withLock { $0.ready }
    }

    /// One cycle's exposition: the text, and OpenMetrics as it is first asked for.
    public final class Generation: Sendable {
        private enum OpenMetrics {
            case pending(@Sendable () -> DeflatedExposition)
            case rendered(DeflatedExposition)
            case unavailable
        }

        public let text: DeflatedExposition
        /// One render at a time: concurrent first scrapes wait for it rather than repeat it.
        private let openMetricsState: Mutex<OpenMetrics>

        init(text: DeflatedExposition, renderOpenMetrics: (@Sendable () -> DeflatedExposition)?) {
            self.text = text
            openMetricsState = Mutex(renderOpenMetrics.map { .pending($0) } ?? .unavailable)
        }

        /// OpenMetrics, rendered on first use; nil once the inventory it needs was let go unrendered.
        func openMetrics() -> DeflatedExposition? {
            openMetricsState.withLock { state in
                switch state {
                case .rendered(let buffer):
                    return buffer
                case .pending(let render):
                    let buffer = render()
                    state = .rendered(buffer)
                    return buffer
                case .unavailable:
                    return nil
                }
            }
        }

        func dropRenderInputs() {
            openMetricsState.withLock { state in
                if case .pending = state { state = .unavailable }
            }
        }
    }
}
