import Dispatch
import Foundation

/// Bounds how many poll threads do CPU work at once, leaving a core to the HTTP server.
///
/// Polling overlaps several organizations (`--poll.concurrency`, 4 by default) because most of a request is
/// waiting for the API. But reading a 500-key page is CPU, and four threads of it on a 2-core machine left a
/// scrape waiting for a core: `/metrics` p99 during a 100,000-key poll was 6.5–9.9 ms without this gate and
/// 4.2–7.3 ms with it (`apikey-benchmark --scrape-connections 1`). One core fewer than the machine has (at least
/// one) decodes at a time; the waits for the API still overlap.
///
/// Passed to each `AtlasClient` (its `cpuGate` parameter) by whoever builds the clients; tests give their own.
public final class CPUGate: Sendable {
    /// The process's gate: every target's and every org's poll shares the same cores.
    public static let shared = CPUGate(width: max(1, ProcessInfo.processInfo.activeProcessorCount - 1))

    public let width: Int
    private let slots: DispatchSemaphore

    public init(width: Int) {
        self.width = max(1, width)
        slots = DispatchSemaphore(value: self.width)
    }

    /// Runs `body` once a slot is free. Call it from a Dispatch queue, never from the Swift concurrency pool:
    /// it blocks while all slots are taken.
    public func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        slots.wait()
        defer { slots.signal() }
        return try body()
    }
}
