import Synchronization

/// Counts HTTP exchanges with the API by status code (`error` for transport failures) and remembers the last
/// `RateLimit-Remaining` the API sent. Shared by a target's clients, which write, and the poller, which reads once
/// per cycle.
public final class RequestCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    private let rateLimit = Mutex<Int?>(nil)
    private let connections = Mutex(0)
    private let rateLimitWaits = Mutex(Duration.zero)

    public init() {}

    /// Counts connections opened to the API (libcurl's CURLINFO_NUM_CONNECTS per request).
    public func record(newConnections: Int) {
        guard newConnections > 0 else { return }
        connections.withLock { $0 += newConnections }
    }

    public var connectionsOpened: Int {
        connections.withLock { $0 }
    }

    public func record(rateLimitRemaining: Int) {
        rateLimit.withLock { $0 = rateLimitRemaining }
    }

    /// The last `RateLimit-Remaining` header seen; nil if the API never sent one.
    public var rateLimitRemaining: Int? {
        rateLimit.withLock { $0 }
    }

    /// Adds time a request was held back by the target's rate limit.
    public func record(rateLimitWait: Duration) {
        rateLimitWaits.withLock { $0 += rateLimitWait }
    }

    /// Time requests were held back by the rate limit since start, summed over requests.
    public var rateLimitWaitSeconds: Double {
        rateLimitWaits.withLock { $0 }.secondsDouble
    }

    public func record(code: String) {
        counts.withLock { $0[code, default: 0] += 1 }
    }

    public func record(status: Int) {
        record(code: String(status))
    }

    public func snapshot() -> [String: Int] {
        counts.withLock { $0 }
    }
}
