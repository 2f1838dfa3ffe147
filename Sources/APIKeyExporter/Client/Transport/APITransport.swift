#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TextSupport

/// How the API client's requests travel: one reused connection (`CountedConnection`), the target's credentials
/// on every request (`RequestAuthenticator`: Digest with the server's nonce kept, or a bearer token) and the one
/// repeat a 401 is worth (a first challenge, a stale nonce, an expired token), retries of 5xx, 429 and transport
/// errors as `RetryPolicy` and the cycle's `RetryBudget` allow, and the target's rate-limit waits.
///
/// Every call blocks while libcurl transfers or a wait runs: call it from a Dispatch queue (see `BlockingIO`).
/// Not thread-safe: one per client, so one per worker.
final class APITransport {
    private let connection: CountedConnection
    private let authenticator: (any RequestAuthenticator)?
    private let requestCounter: RequestCounter
    private let retryPolicy: RetryPolicy
    private let retryBudget: RetryBudget

    init(options: TransportOptions, authenticator: (any RequestAuthenticator)?, requestCounter: RequestCounter,
         retryBudget: RetryBudget) {
        connection = CountedConnection(options: options, requestCounter: requestCounter)
        self.authenticator = authenticator
        self.requestCounter = requestCounter
        retryPolicy = options.retry
        self.retryBudget = retryBudget
    }

    /// A GET of `url`, whose path and query (`requestTarget`) is what Digest signs, with `headers` first.
    ///
    /// Repeats the request after a 5xx, a 429 or a transport error, as `RetryPolicy` allows; returns the last
    /// answer (or throws the last transport error) when attempts or the cycle's budget run out.
    func get(url: String, requestTarget: String, headers: [String], maxBodyBytes: Int?) throws(APIError) -> CurlResponse {
        var attempt = 1
        while true {
            let delay: Duration
            do throws(APIError) {
                let response = try authenticatedGet(url: url, requestTarget: requestTarget, headers: headers,
                                                    maxBodyBytes: maxBodyBytes)
                if let remaining = response.headers["ratelimit-remaining"].flatMap({ Int($0.trimmingWhitespace()) }) {
                    requestCounter.record(rateLimitRemaining: remaining)
                }
                if let window = RateLimitGate.exhaustedWindow(headers: response.headers) {
                    retryBudget.rateLimit.pause(for: window)
                }
                switch response.status {
                case 429:
                    // The whole target waits (in `exchange`), not only this worker.
                    let wait = RetryPolicy.retryAfter(response.headers["retry-after"]) ?? retryPolicy.backoff(afterAttempt: attempt)
                    retryBudget.rateLimit.pause(for: wait)
                    guard attempt < retryPolicy.maxAttempts, retryBudget.allows(wait) else { return response }
                    attempt += 1
                    continue
                case 500...599:
                    delay = retryPolicy.backoff(afterAttempt: attempt)
                default:
                    return response
                }
                guard attempt < retryPolicy.maxAttempts, retryBudget.allows(delay) else { return response }
            } catch {
                delay = retryPolicy.backoff(afterAttempt: attempt)
                guard case .transport = error, attempt < retryPolicy.maxAttempts, retryBudget.allows(delay) else { throw error }
            }
            delay.sleepBlocking()
            attempt += 1
        }
    }

    /// One request with the credentials at hand. A 401 the authenticator can answer (a Digest challenge: first
    /// contact or a stale nonce; an expired bearer token) is retried once; a second 401 is the caller's
    /// authentication error.
    private func authenticatedGet(url: String, requestTarget: String, headers: [String],
                                  maxBodyBytes: Int?) throws(APIError) -> CurlResponse {
        let response = try exchange(url: url, requestTarget: requestTarget, headers: headers, maxBodyBytes: maxBodyBytes)
        guard response.status == 401, let authenticator, authenticator.shouldRetry(after: response) else { return response }
        return try exchange(url: url, requestTarget: requestTarget, headers: headers, maxBodyBytes: maxBodyBytes)
    }

    private func exchange(url: String, requestTarget: String, headers: [String],
                          maxBodyBytes: Int?) throws(APIError) -> CurlResponse {
        try waitForRateLimit(url: url)
        var headers = headers
        if let authorization = try authenticator?.authorization(requestTarget: requestTarget) {
            headers.append("Authorization: \(authorization)")
        }
        return try connection.send(url, headers: headers, maxBodyBytes: maxBodyBytes)
    }

    /// Waits out the target's rate-limit pause, if any; a pause that would outlast the cycle fails the request
    /// as rate limited instead.
    private func waitForRateLimit(url: String) throws(APIError) {
        let wait = retryBudget.rateLimit.remainingPause()
        guard wait > .zero else { return }
        guard retryBudget.allows(wait) else {
            throw .http(status: 429, body: AtlasErrorBody(detail: "rate limited for \(wait.secondsDouble) s more, past the cycle's deadline"),
                        url: url)
        }
        wait.sleepBlocking()
        requestCounter.record(rateLimitWait: wait)
    }
}

extension Duration {
    /// Blocks the calling thread (a Dispatch queue's, see `BlockingIO`) for this long, as `Thread.sleep` did.
    fileprivate func sleepBlocking() {
        let (seconds, attoseconds) = components
        guard seconds > 0 || attoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1, errno == EINTR { request = remaining }
    }
}
