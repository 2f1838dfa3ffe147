import Hummingbird
import Synchronization

/// The exposition of the last poll cycle, rendered once and shared by every scrape without copying.
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
        var generation = Generation(text: ByteBuffer(), renderOpenMetrics: nil)
        var ready = false
        /// What the status page shows, summarised from the same states as the exposition.
        var statusPage = StatusPageModel([], pollInterval: nil)
    }

    private let state = Mutex(State())
    private let openMetricsWanted = Atomic(false)

    public init() {}

    /// Replaces what scrapes see. `ready` turns true once every target has finished a cycle.
    public func publish(text: ByteBuffer, openMetrics: @escaping @Sendable () -> ByteBuffer, ready: Bool) {
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

    /// The last rendered inventory in text format 0.0.4; a ByteBuffer copy shares its storage.
    public var body: ByteBuffer {
        current.text
    }

    /// The body of `generation` for a scraper that asked for `requested`, and the format it is in.
    public func body(_ requested: ExpositionFormat, of generation: Generation) -> (ExpositionFormat, ByteBuffer) {
        guard requested == .openMetrics else { return (.text, generation.text) }
        openMetricsWanted.store(true, ordering: .relaxed)
        if let openMetrics = generation.openMetrics() { return (.openMetrics, openMetrics) }
        return (.text, generation.text)
    }

    public var isReady: Bool {
        state.withLock { $0.ready }
    }

    /// One cycle's exposition: the text, and OpenMetrics and the gzip prefixes as they are first asked for.
    public final class Generation: Sendable {
        private enum OpenMetrics {
            case pending(@Sendable () -> ByteBuffer)
            case rendered(ByteBuffer)
            case unavailable
        }

        public let text: ByteBuffer
        /// One render at a time: concurrent first scrapes wait for it rather than repeat it.
        private let openMetricsState: Mutex<OpenMetrics>
        private let gzipped = Mutex<[ExpositionFormat: GzipStream.Prefix]>([:])

        init(text: ByteBuffer, renderOpenMetrics: (@Sendable () -> ByteBuffer)?) {
            self.text = text
            openMetricsState = Mutex(renderOpenMetrics.map { .pending($0) } ?? .unavailable)
        }

        /// OpenMetrics, rendered on first use; nil once the inventory it needs was let go unrendered.
        func openMetrics() -> ByteBuffer? {
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

        /// The inventory in `format` deflated, once per cycle, for the scrapes that accept gzip. Call it with a
        /// format `body(_:)` returned for this generation.
        public func gzipPrefix(_ format: ExpositionFormat) -> GzipStream.Prefix {
            if let cached = gzipped.withLock({ $0[format] }) { return cached }
            let body = format == .openMetrics ? (openMetrics() ?? text) : text
            let prefix = GzipStream.prefix(body)
            gzipped.withLock { $0[format] = prefix }
            return prefix
        }
    }
}
