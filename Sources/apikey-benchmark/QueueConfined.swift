import APIKeyExporter

/// A value that is not thread-safe, confined to one `BlockingIO` queue: every access runs there, one at a time,
/// so async code can share it without a lock (a target's poller, which blocks in libcurl for a whole cycle).
///
/// `@unchecked Sendable`: `resource` is only ever touched by closures on `io`'s serial queue, which is what makes
/// handing it between threads safe; the compiler cannot see that confinement.
final class QueueConfined<Resource>: @unchecked Sendable {
    private let resource: Resource
    private let io: BlockingIO

    init(_ resource: Resource, label: String) {
        self.resource = resource
        io = BlockingIO(label: label)
    }

    /// Runs `body` with the resource on its queue, after any access queued before it.
    func run<T: Sendable, E: Error>(_ body: @escaping @Sendable (Resource) throws(E) -> T) async throws(E) -> T {
        try await io.run { () throws(E) -> T in try body(self.resource) }
    }
}
