import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// Drives the poll cycles on a Dispatch timer, off the scrape path, and only that: what a cycle produces goes to the
/// `ExpositionPublisher`.
///
/// Cycles run on a private serial queue, never on `DispatchQueue.global()` or the Swift concurrency pool: on Linux
/// those share a few threads, and a cycle blocks in libcurl for as long as the API takes to answer.
/// A one-shot timer is re-armed after each cycle on the same serial queue, so two cycles never overlap.
/// Cycles start `interval` apart; after a failed cycle the next comes sooner (exponential backoff from
/// `retryBase`, never later than `interval`), so a brief API outage at start-up does not cost a whole interval.
///
/// `@unchecked Sendable`: Dispatch sources are thread-safe, and the target pollers are only touched on `queue`.
public final class Poller: @unchecked Sendable {
    private let queue = DispatchQueue(label: "mongodb_apikey_exporter.poller")
    private let timer: any DispatchSourceTimer
    private let interval: Duration
    private let retryBase: Duration
    /// Only read and replaced on `queue`.
    private var targets: [TargetPoller]
    private let publisher: ExpositionPublisher
    private let logger: Logger
    private let consecutiveFailures = Mutex(0)
    private let cycleCount = Mutex(0)
    /// Whether `start` resumed the timer. libdispatch traps when a source is released while still suspended, as it
    /// is from creation until its first resume: `deinit` resumes a timer that never ran.
    private let timerResumed = Mutex(false)

    public init(targets: [TargetPoller], interval: Duration, retryBase: Duration = .seconds(10),
                publisher: ExpositionPublisher, logger: Logger) {
        self.targets = targets
        self.interval = interval
        self.retryBase = min(retryBase, interval)
        self.publisher = publisher
        self.logger = logger
        self.timer = DispatchSource.makeTimerSource(queue: queue)
        publisher.publishInitial()
    }

    /// A poller whose publisher renders with `renderer` into `cache`, without a config file's reload status.
    public convenience init(targets: [TargetPoller], interval: Duration, retryBase: Duration = .seconds(10),
                            renderer: InventoryRenderer, cache: ExpositionCache, logger: Logger) {
        self.init(targets: targets, interval: interval, retryBase: retryBase,
                  publisher: ExpositionPublisher(renderer: renderer, cache: cache), logger: logger)
    }

    /// Starts polling now. Call once.
    public func start() {
        timer.setEventHandler { [self] in
            let started = DispatchTime.now()
            // Retries stop waiting at 90% of the interval, so a cycle ends before the next is due.
            let succeeded = runCycle(deadline: ContinuousClock.now + interval * 0.9)
            scheduleNext(after: started, succeeded: succeeded)
        }
        timer.schedule(deadline: .now())
        timerResumed.withLock { $0 = true }
        timer.resume()
    }

    deinit {
        if !timerResumed.withLock({ $0 }) {
            timer.cancel()
            timer.resume()
        }
    }

    /// Stops the timer. A cycle in flight finishes on its own (each request is bounded by its timeout);
    /// its result is then discarded with the process.
    public func stop() {
        timer.cancel()
    }

    /// Replaces the targets (after a configuration reload) and starts a cycle at once. Runs between cycles, on
    /// the poller's queue; `makeTargets` gets the current pollers, so it can carry over those whose target did not
    /// change (with their baselines and counters).
    public func replaceTargets(_ makeTargets: @escaping @Sendable ([TargetPoller]) -> [TargetPoller]) {
        queue.async { [self] in
            targets = makeTargets(targets)
            timer.schedule(deadline: .now())
        }
    }

    /// Renders the current state again (after a reload changed its status); no cycle starts.
    public func republish() {
        queue.async { [self] in publisher.publish(targets.map(\.state)) }
    }

    /// Completed cycles since start.
    public var completedCycles: Int {
        cycleCount.withLock { $0 }
    }

    private func runCycle(deadline: ContinuousClock.Instant) -> Bool {
        // The cycle frees the previous inventory org by org; the cache must not keep it alive meanwhile.
        publisher.cycleStarting()
        var succeeded = true
        for target in targets {
            succeeded = target.pollOnce(deadline: deadline) && succeeded
        }
        publisher.publish(targets.map(\.state))
        cycleCount.withLock { $0 += 1 }
        return succeeded
    }

    private func scheduleNext(after started: DispatchTime, succeeded: Bool) {
        let failures = consecutiveFailures.withLock { count in
            count = succeeded ? 0 : count + 1
            return count
        }
        var delay = interval
        if failures > 0 {
            let backoff = retryBase * (1 << min(failures - 1, 16))
            delay = min(backoff, interval)
            logger.info("poll cycle had failures; retrying sooner",
                        metadata: ["retry_in_seconds": "\(delay.secondsDouble)"])
        }
        let nanoseconds = UInt64(delay.secondsDouble * 1e9)
        let deadline = max(started + .nanoseconds(Int(nanoseconds)), .now())
        timer.schedule(deadline: deadline)
    }
}
