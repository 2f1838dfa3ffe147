#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport
import Synchronization

/// The rate limit of one target, shared by all its clients (org workers, access-list workers, discovery).
///
/// The Admin API limits the credential, not the connection: after a 429 every request of the target waits until
/// `Retry-After` has passed, not only the one that got it, and when the API says its window is spent
/// (`RateLimit-Remaining: 0` with `RateLimit-Reset` or `Retry-After`) new requests wait for the window instead of
/// provoking a 429. Requests already in flight finish.
public final class RateLimitGate: Sendable {
    private let pausedUntil = Mutex<ContinuousClock.Instant?>(nil)

    public init() {}

    /// No new request starts before `now + duration` (a later pause already set wins).
    func pause(for duration: Duration) {
        let until = ContinuousClock.now + duration
        pausedUntil.withLock { current in
            if let current, current >= until { return }
            current = until
        }
    }

    /// How long a request starting now must wait; zero when the target is not paused.
    func remainingPause() -> Duration {
        guard let until = pausedUntil.withLock({ $0 }) else { return .zero }
        return max(.zero, until - ContinuousClock.now)
    }

    /// The wait `RateLimit-Remaining` and its window ask for: the window when nothing is left of it, else nil.
    /// `RateLimit-Reset` is seconds until the window resets (IETF draft); a `Retry-After` may say the same.
    static func exhaustedWindow(headers: [String: String]) -> Duration? {
        guard let remaining = headers["ratelimit-remaining"].flatMap({ Int($0.trimmingWhitespace()) }),
              remaining <= 0
        else { return nil }
        if let reset = headers["ratelimit-reset"].flatMap({ Int($0.trimmingWhitespace()) }) {
            return .seconds(min(max(reset, 0), 3600))
        }
        return RetryPolicy.retryAfter(headers["retry-after"])
    }
}
