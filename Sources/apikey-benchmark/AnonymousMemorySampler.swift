import Dispatch
import Foundation
import Synchronization

/// The peak of this process's anonymous resident memory (`RssAnon`) over a stretch of time, sampled every 5 ms.
///
/// `VmHWM` (peak RSS) also counts the pages of shared libraries the process has touched: about 40 MB of the
/// exporter's resident size is Swift's runtime, Foundation, NIO, libcurl and OpenSSL code, shared with every
/// other process using them and dropped by the kernel first. `RssAnon` is the memory the exporter itself holds;
/// Linux keeps no peak of it, so it is sampled.
final class AnonymousMemorySampler {
    private final class Peak: Sendable {
        let bytes = Mutex(0)
    }

    private let peak = Peak()
    private let timer: DispatchSourceTimer

    init() {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "benchmark.rss-anon"))
        timer.setEventHandler { [peak] in
            let current = ProcessSample.anonymousRSS()
            peak.bytes.withLock { $0 = max($0, current) }
        }
        timer.schedule(deadline: .now(), repeating: .milliseconds(5))
        timer.resume()
    }

    /// Stops sampling and returns the peak, in bytes (one last sample included).
    func finish() -> Int {
        timer.cancel()
        let last = ProcessSample.anonymousRSS()
        return peak.bytes.withLock { max($0, last) }
    }
}
