import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Bounds how many poll threads do CPU work at once, leaving a core to the HTTP server.
///
/// Polling overlaps several organizations (`--poll.concurrency`, 4 by default) because most of a request is
/// waiting for the API. But reading a 500-key page is CPU, and four threads of it on a 2-core machine left a
/// scrape waiting for a core (docs/PERFORMANCE.md). One core fewer than the machine has (at least one) decodes at
/// a time; the waits for the API still overlap.
///
/// Passed to each `AtlasClient` (its `cpuGate` parameter) by whoever builds the clients; tests give their own.
public final class CPUGate: Sendable {
    /// A gate for this machine: one core fewer than it has (at least one). The process makes one, which every
    /// target's and every org's poll shares.
    public static func forThisMachine() -> CPUGate {
        CPUGate(width: ProcessInfo.processInfo.activeProcessorCount - 1)
    }

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
