import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking jobs (libcurl transfers) with bounded parallelism: `width` workers, each owning one resource
/// (an `AtlasClient`, so one connection) and running on its own serial Dispatch queue. Serial queues may
/// overcommit threads, so a blocked worker never starves the Swift concurrency pool.
///
/// `map` blocks its caller until every job is done. Several `map` calls may run at once: their jobs queue on the
/// same workers, so each resource is still used by one job at a time.
final class BlockingWorkerPool<Resource>: @unchecked Sendable {
    // @unchecked: a resource is only touched by jobs on its worker's serial queue.
    private let workers: [(resource: Resource, queue: DispatchQueue)]

    init(width: Int, label: String, make: () -> Resource) {
        workers = (0..<max(1, width)).map { index in
            (make(), DispatchQueue(label: "mongodb_apikey_exporter.\(label).\(index)"))
        }
    }

    /// Applies `body` to every input, at most `width` at a time, and returns the outputs in input order.
    ///
    /// Each input is handed over to its job: once the job is done, the pool holds no reference to it. A poll cycle
    /// passes each org's previous status in, so the previous inventory goes away org by org as the new one comes.
    /// `body` escapes only into the workers' queues; `map` returns after every job ran.
    func map<Input, Output>(_ inputs: consuming [Input],
                            _ body: @escaping (Resource, consuming Input) -> Output) -> [Output] {
        guard !inputs.isEmpty else { return [] }
        let job = Job(inputs: inputs, body: body)
        inputs = []
        let group = DispatchGroup()
        for worker in workers.prefix(job.count) {
            let resource = UncheckedTransfer(worker.resource)
            worker.queue.async(group: group) {
                while let index = job.claim() {
                    job.run(index, resource: resource.value)
                }
            }
        }
        group.wait()
        return job.takeOutputs()
    }

    /// The shared state of one `map` call: each slot is claimed by exactly one worker, and the outputs are taken only
    /// after `group.wait()`.
    private final class Job<Input, Output>: @unchecked Sendable {
        // @unchecked: every slot is read and written under `lock`, and each is claimed by one worker only.
        let count: Int
        private let lock = PlainLock()
        private var inputs: [Input?]
        private var outputs: [Output?]
        private var next = 0
        private let body: (Resource, consuming Input) -> Output

        init(inputs: [Input], body: @escaping (Resource, consuming Input) -> Output) {
            count = inputs.count
            self.inputs = inputs.map { Optional($0) }
            outputs = Array(repeating: nil, count: inputs.count)
            self.body = body
        }

        func claim() -> Int? {
            lock.withLock {
                guard next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }

        /// Moves input `index` out of the pool and into `body`.
        func run(_ index: Int, resource: Resource) {
            guard let input = lock.withLock({ inputs[index].take() }) else { return }
            let output = body(resource, input)
            lock.withLock { outputs[index] = output }
        }

        /// Moves the outputs out; the job holds none afterwards. Every slot was run once (`claim` hands out each
        /// index), so none is missing.
        func takeOutputs() -> [Output] {
            lock.withLock {
                defer { outputs = [] }
                return outputs.compactMap { $0 }
            }
        }
    }
}

/// Moves a value into a Dispatch closure whose queue alone will use it.
struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// `NSLock` without Foundation (its own API links ICU into the binary; see docs/ARCHITECTURE.md, "Image"): a pthread
/// mutex.
private final class PlainLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
