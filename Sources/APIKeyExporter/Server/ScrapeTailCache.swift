import NIOCore
import Synchronization

/// The fresh end of every scrape: the `process_*` block (and OpenMetrics' `# EOF`), plain and deflated for gzip.
///
/// `ProcessMetrics` reads /proc at most every 100 ms; the tail is deflated once per reading, not once per scrape:
/// starting a deflate stream costs more than sending a small exposition (measured with `apikey-benchmark
/// --no-collector.key-info`: 0.35 × nginx's rate on the same gzip bytes when every scrape deflated its tail).
final class ScrapeTailCache: Sendable {
    struct Tail: Sendable {
        let plain: ByteBuffer
        let deflated: ByteBuffer
        let crc: UInt
    }

    private let processMetrics: ProcessMetrics
    /// Per format: the process block a tail was made from, and the tail.
    private let cached = Mutex<[ExpositionFormat: ([UInt8], Tail)]>([:])

    init(processMetrics: ProcessMetrics) {
        self.processMetrics = processMetrics
    }

    func tail(_ format: ExpositionFormat) -> Tail {
        let block = processMetrics.render(format: format)
        if let (source, tail) = cached.withLock({ $0[format] }), source == block { return tail }
        var plain = ByteBuffer(bytes: block)
        if format == .openMetrics { plain.writeString("# EOF\n") }
        let (deflated, crc) = plain.withUnsafeReadableBytes { (GzipStream.deflateFinal($0), GzipStream.crc32($0)) }
        let tail = Tail(plain: plain, deflated: deflated, crc: crc)
        cached.withLock { $0[format] = (block, tail) }
        return tail
    }
}
