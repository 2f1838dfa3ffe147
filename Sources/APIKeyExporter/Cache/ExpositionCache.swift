import Hummingbird
import Synchronization

/// The exposition of the last poll cycle, rendered once and shared by every scrape without copying; held deflated
/// (`DeflatedExposition`), as nearly every scrape asks for gzip.
///
/// Text format 0.0.4, what Prometheus asks for by default, is rendered by the publisher after each cycle. So is
/// OpenMetrics, once a scraper has asked for it (`wantsOpenMetrics`): an exporter nobody scrapes in OpenMetrics
/// never pays for it, and one that is never renders in a scrape's handler. Only the first OpenMetrics scrape may
/// render, once, from the inventory of the cycle published before anyone asked.
///
/// That inventory must not outlive the cycle: holding it into the next would keep two inventories in memory. So
/// when a cycle starts (`settle()`), it is let go, and a first OpenMetrics scrape after that gets text 0.0.4, which
/// its `Accept` header also allows; the next publication has OpenMetrics.
public final class ExpositionCache: Sendable {
    private struct State {
        var generation = Generation(text: DeflatedExposition([]), openMetrics: .unavailable)
        var ready = false
        /// What the status page shows, summarised from the same states as the exposition.
        var statusPage = StatusPageModel([], pollInterval: nil)
    }

    private let state = Mutex(State())
    private let openMetricsWanted = Atomic(false)
    private let scrapeRenders = Atomic(0)

    public init() {}

    /// Replaces what scrapes see, before any scraper asked for OpenMetrics: `openMetrics` renders it for the first
    /// scrape that does. `ready` turns true once every target has finished a cycle.
    public func publish(text: DeflatedExposition, openMetrics: @escaping @Sendable () -> DeflatedExposition, ready: Bool) {
        publish(Generation(text: text, openMetrics: .pending(openMetrics)), ready: ready)
    }

    /// Replaces what scrapes see with both formats rendered.
    public func publish(text: DeflatedExposition, openMetrics: DeflatedExposition, ready: Bool) {
        publish(Generation(text: text, openMetrics: .rendered(openMetrics)), ready: ready)
    }

    private func publish(_ generation: Generation, ready: Bool) {
        state.withLock {
            $0.generation = generation
            $0.ready = $0.ready || ready
        }
    }

    /// Whether a scraper has asked for OpenMetrics: the publisher then renders it with the text after each cycle.
    public var wantsOpenMetrics: Bool {
        openMetricsWanted.load(ordering: .relaxed)
    }

    /// How many OpenMetrics renders ran in a scrape's handler (at most the first scrape's, save for a scrape racing
    /// the publication it comes after).
    public var openMetricsRendersInScrapes: Int {
        scrapeRenders.load(ordering: .relaxed)
    }

    /// Replaces what the status page shows; published with each exposition.
    public func publish(statusPage: StatusPageModel) {
        state.withLock { $0.statusPage = statusPage }
    }

    /// The status page's summary of the last published states.
    public var statusPage: StatusPageModel {
        state.withLock { $0.statusPage }
    }

    /// Lets go of the last cycle's inventory before the next cycle replaces it (see the type's comment). A
    /// generation published as the first scraper asked is rendered here, on the poller's queue, not by a scrape.
    public func settle() {
        let generation = current
        if wantsOpenMetrics {
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
        guard let (openMetrics, renderedNow) = generation.openMetrics() else { return (.text, generation.text) }
        if renderedNow { scrapeRenders.add(1, ordering: .relaxed) }
        return (.openMetrics, openMetrics)
    }

    public var isReady: Bool {
        state.withLock { $0.ready }
    }

    /// One cycle's exposition: the text, and OpenMetrics rendered with it or as it is first asked for.
    public final class Generation: Sendable {
        fileprivate enum OpenMetrics {
            case pending(@Sendable () -> DeflatedExposition)
            case rendered(DeflatedExposition)
            case unavailable
        }

        public let text: DeflatedExposition
        /// One render at a time: concurrent first scrapes wait for it rather than repeat it.
        private let openMetricsState: Mutex<OpenMetrics>

        fileprivate init(text: DeflatedExposition, openMetrics: OpenMetrics) {
            self.text = text
            openMetricsState = Mutex(openMetrics)
        }

        /// OpenMetrics as rendered so far, without rendering it: what the publisher rendered, or a first scrape.
        public var renderedOpenMetrics: DeflatedExposition? {
            openMetricsState.withLock { if case .rendered(let body) = $0 { body } else { nil } }
        }

        /// OpenMetrics, rendered on first use, and whether this call rendered it; nil once the inventory it needs
        /// was let go unrendered.
        func openMetrics() -> (DeflatedExposition, renderedNow: Bool)? {
            openMetricsState.withLock { state in
                switch state {
                case .rendered(let buffer):
                    return (buffer, false)
                case .pending(let render):
                    let buffer = render()
                    state = .rendered(buffer)
                    return (buffer, true)
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
