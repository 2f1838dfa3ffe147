import Synchronization

/// Runs bcrypt checks one at a time, off the Swift concurrency pool, from two short queues ("lanes").
///
/// A check takes tens of milliseconds on purpose, so waiting checks are a queue whose length is a client's wait
/// (docs/PERFORMANCE.md has what a flood of wrong passwords did). Each lane is therefore bounded, and
/// a check beyond the bound is refused at once (the caller answers 503) instead of waiting.
///
/// A bound alone would not protect the scraper: attackers retrying at once keep it full. History tells them apart:
/// a brute force sends wrong passwords and asks again at once when refused, a scraper does neither. So checks from
/// connections that have done neither (`fresh`) run before the others (`suspect`, ``SuspectConnections``), behind at
/// most `freshBound` fresh checks; against a new connection per guess only the bound holds.
final class BcryptQueue: Sendable {
    enum Lane: Sendable {
        case fresh, suspect
    }

    /// Fresh checks that may wait: few enough that a fresh check is answered well inside Prometheus's default 10 s
    /// scrape timeout (docs/PERFORMANCE.md).
    static let freshBound = 8
    /// Suspect checks that may wait: enough to keep the worker busy while attackers send their next guesses, no
    /// more, since every one of them has sent a wrong password already. Beyond it they are refused.
    static let suspectBound = 4

    private struct Job: Sendable {
        var work: @Sendable () -> Bool
        var continuation: CheckedContinuation<Bool?, Never>
    }

    private struct Lanes: ~Copyable {
        var fresh: [Job] = []
        var suspect: [Job] = []
    }

    private let lanes = Mutex(Lanes())
    /// Runs one check per turn, off the Swift concurrency pool.
    private let io = BlockingIO(label: "mongodb_apikey_exporter.bcrypt")
    private let freshBound: Int
    private let suspectBound: Int

    init(freshBound: Int = BcryptQueue.freshBound, suspectBound: Int = BcryptQueue.suspectBound) {
        self.freshBound = freshBound
        self.suspectBound = suspectBound
    }

    /// `work`'s result, or nil when `lane` is full and the check was refused without running.
    func run(_ lane: Lane, _ work: @escaping @Sendable () -> Bool) async -> Bool? {
        await withCheckedContinuation { continuation in
            let job = Job(work: work, continuation: continuation)
            let admitted = lanes.withLock { lanes in
                switch lane {
                case .fresh where lanes.fresh.count < freshBound:
                    lanes.fresh.append(job)
                case .suspect where lanes.suspect.count < suspectBound:
                    lanes.suspect.append(job)
                default:
                    return false
                }
                return true
            }
            guard admitted else {
                continuation.resume(returning: nil)
                return
            }
            // One turn of the serial queue per admitted job; the turn takes whichever job is due then.
            io.execute { self.runNext() }
        }
    }

    /// Checks waiting (not running) in each lane.
    var waiting: (fresh: Int, suspect: Int) {
        lanes.withLock { ($0.fresh.count, $0.suspect.count) }
    }

    private func runNext() {
        let next = lanes.withLock { lanes -> Job? in
            if !lanes.fresh.isEmpty { return lanes.fresh.removeFirst() }
            if !lanes.suspect.isEmpty { return lanes.suspect.removeFirst() }
            return nil
        }
        guard let next else { return }
        next.continuation.resume(returning: next.work())
    }
}
