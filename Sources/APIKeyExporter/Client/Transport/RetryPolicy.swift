#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport
import Synchronization

/// When and how long to wait before repeating a failed request.
///
/// 5xx answers and transport errors are retried with exponential backoff and full jitter; a 429 waits as long as
/// its `Retry-After` says. Other 4xx answers are final (401 is handled by Digest, once). Retries are bounded per
/// request (`maxAttempts`) and per cycle (`RetryBudget`), so a cycle never outlives its interval.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts = 3
    public var baseDelay: Duration = .seconds(1)
    public var maxDelay: Duration = .seconds(30)

    public init(maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(30)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Full jitter: a uniformly random wait between 0 and `baseDelay · 2^(attempt-1)`, capped at `maxDelay`.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let cap = min(maxDelay, baseDelay * (1 << min(attempt - 1, 20)))
        let nanoseconds = Int64(cap.secondsDouble * 1e9)
        return .nanoseconds(Int64.random(in: 0...max(0, nanoseconds)))
    }

    /// `Retry-After` as seconds or as an HTTP date; nil if absent or unreadable.
    public static func retryAfter(_ header: String?, now: Date = Date()) -> Duration? {
        guard let header = header?.trimmingWhitespace(), !header.isEmpty else { return nil }
        // Capped at an hour: a wait longer than any cycle is as good as refused, and no arithmetic may overflow.
        if let seconds = Int(header) { return .seconds(min(max(0, seconds), 3600)) }
        guard let date = httpDate(header) else { return nil }
        return .milliseconds(Int64(min(max(0, date.timeIntervalSince(now)), 3600) * 1000))
    }

    /// An HTTP date as RFC 9110 sends it (IMF-fixdate, `Tue, 14 Jul 2026 03:33:40 GMT`); nil for anything else.
    private static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" || parts[5] == "UTC",
              let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3, (1...31).contains(day), (0...23).contains(time[0]), (0...59).contains(time[1]),
              (0...60).contains(time[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.date(from: DateComponents(year: year, month: month + 1, day: day, hour: time[0], minute: time[1],
                                                  second: time[2]))
    }
}

/// The time a poll cycle may still spend waiting to retry, and the target's rate limit; shared by all the clients
/// of one target.
public final class RetryBudget: Sendable {
    private let deadline = Mutex<ContinuousClock.Instant?>(nil)
    /// The pause a 429 or a spent rate-limit window imposes on every request of the target.
    let rateLimit = RateLimitGate()

    public init() {}

    /// Starts a cycle that must end by `deadline`; nil removes the limit.
    public func startCycle(deadline: ContinuousClock.Instant?) {
        self.deadline.withLock { $0 = deadline }
    }

    /// Whether waiting `delay` (and then making a request) still fits in the cycle.
    func allows(_ delay: Duration) -> Bool {
        guard let deadline = deadline.withLock({ $0 }) else { return true }
        return ContinuousClock.now + delay < deadline
    }
}
