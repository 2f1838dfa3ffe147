import Dispatch

/// The one bridge between async code and blocking work (libcurl transfers, bcrypt, a pipe read): the work runs on
/// a serial Dispatch queue and the caller awaits its result, like swift-nio's `NIOThreadPool.runIfActive`.
///
/// Never `DispatchQueue.global()` and never the Swift concurrency pool itself: on Linux the global queues share
/// their few threads with the pool, and a transfer that blocks one of them can starve the in-process servers it
/// waits for. A private serial queue may overcommit (get a thread of its own), so blocked work never takes a
/// thread the pool needs.
///
/// Jobs on one `BlockingIO` run one at a time, in the order they were submitted. The blocking work cannot be
/// cancelled: a cancelled caller still waits for it (each job is bounded by its own timeouts).
public struct BlockingIO: Sendable {
    private let queue: DispatchQueue

    /// A new serial queue; `label` names its thread in debuggers and crash reports.
    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs `body` on this bridge's queue and returns its result (or rethrows its error, type preserved).
    public func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>, Never>) in
            queue.async {
                continuation.resume(returning: Result { () throws(E) -> T in try body() })
            }
        }
        return try result.get()
    }

    /// Runs `body` on a serial queue of its own: for one-off work whose caller keeps no queue.
    public static func run<T: Sendable, E: Error>(
        label: String, _ body: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        try await BlockingIO(label: label).run(body)
    }

    /// Queues `body` without waiting for it, for work that reports its result another way (see `BcryptQueue`).
    public func execute(_ body: @escaping @Sendable () -> Void) {
        queue.async(execute: body)
    }
}
