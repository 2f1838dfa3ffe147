import Hummingbird
import Synchronization

/// The exposition of the last poll cycle, rendered once and shared by every scrape without copying.
///
/// Text format 0.0.4, what Prometheus asks for by default, is rendered by the poller after each cycle. OpenMetrics
/// is rendered by the first scrape that asks for it after a cycle, then served from here like the text: an
/// exporter nobody scrapes in OpenMetrics never pays for it.
public final class ExpositionCache: Sendable {
    private struct Published {
        var text = ByteBuffer()
        var openMetrics: ByteBuffer?
        var renderOpenMetrics: @Sendable () -> ByteBuffer = { ByteBuffer() }
        /// Compressed inventories, made by the first scrape that asks for gzip after a cycle.
        var gzipped: [ExpositionFormat: GzipStream.Prefix] = [:]
        var generation = 0
        var ready = false
    }

    private let published = Mutex(Published())
    /// One OpenMetrics render at a time: concurrent first scrapes wait for it rather than repeat it.
    private let openMetricsRender = Mutex(())

    public init() {}

    /// Replaces what scrapes see. `ready` turns true once every target has finished a cycle.
    public func publish(text: ByteBuffer, openMetrics: @escaping @Sendable () -> ByteBuffer, ready: Bool) {
        published.withLock {
            $0.text = text
            $0.openMetrics = nil
            $0.renderOpenMetrics = openMetrics
            $0.gzipped = [:]
            $0.generation += 1
            $0.ready = $0.ready || ready
        }
    }

    /// The last rendered inventory in text format 0.0.4; a ByteBuffer copy shares its storage.
    public var body: ByteBuffer {
        published.withLock { $0.text }
    }

    /// The inventory in `format`, deflated once per cycle for the scrapes that accept gzip.
    public func gzipPrefix(_ format: ExpositionFormat) -> GzipStream.Prefix {
        let (cached, generation) = published.withLock { ($0.gzipped[format], $0.generation) }
        if let cached { return cached }
        let prefix = GzipStream.prefix(body(format))
        published.withLock { if $0.generation == generation { $0.gzipped[format] = prefix } }
        return prefix
    }

    public func body(_ format: ExpositionFormat) -> ByteBuffer {
        if format == .text { return body }
        return openMetricsRender.withLock { _ in
            let (cached, render, generation) = published.withLock { ($0.openMetrics, $0.renderOpenMetrics, $0.generation) }
            if let cached { return cached }
            let buffer = render()
            published.withLock { if $0.generation == generation { $0.openMetrics = buffer } }
            return buffer
        }
    }

    public var isReady: Bool {
        published.withLock { $0.ready }
    }
}
