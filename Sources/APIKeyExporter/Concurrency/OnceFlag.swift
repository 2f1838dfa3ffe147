import Synchronization

/// A flag set once, for "log this once": the first caller of `setFirstTime` learns it was first.
final class OnceFlag: Sendable {
    private let flag = Mutex(false)

    init() {}

    var isSet: Bool { flag.withLock { $0 } }

    /// Sets the flag; true only for the call that set it.
    func setFirstTime() -> Bool {
        flag.withLock { flag in
            defer { flag = true }
            return !flag
        }
    }

    /// Clears it (a new cycle may log once again).
    func reset() {
        flag.withLock { $0 = false }
    }
}
