import Dispatch
import Synchronization

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
    func map<Input, Output>(_ inputs: consuming [Input], _ body: (Resource, consuming Input) -> Output) -> [Output] {
        guard !inputs.isEmpty else { return [] }
        return withoutActuallyEscaping(body) { body in
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
    }

    /// The shared state of one `map` call. Each slot is taken and written by exactly one worker, and the outputs
    /// are read only after `group.wait()`, which orders those writes before the read.
    private final class Job<Input, Output>: @unchecked Sendable {
        let count: Int
        private let inputs: UnsafeMutableBufferPointer<Input?>
        private let outputs: UnsafeMutableBufferPointer<Output?>
        private let body: (Resource, consuming Input) -> Output
        private let next = Mutex(0)

        init(inputs: [Input], body: @escaping (Resource, consuming Input) -> Output) {
            count = inputs.count
            self.inputs = .allocate(capacity: count)
            _ = self.inputs.initialize(from: inputs.lazy.map { Optional($0) })
            outputs = .allocate(capacity: count)
            outputs.initialize(repeating: nil)
            self.body = body
        }

        func claim() -> Int? {
            next.withLock { value in
                guard value < count else { return nil }
                defer { value += 1 }
                return value
            }
        }

        /// Moves input `index` out of the pool and into `body`.
        func run(_ index: Int, resource: Resource) {
            let input = inputs[index].take()!
            outputs[index] = body(resource, input)
        }

        /// Moves the outputs out; the job holds none afterwards.
        func takeOutputs() -> [Output] {
            (0..<count).map { outputs[$0].take()! }
        }

        // Deinitialize before deallocating: deallocation alone never releases what the buffers hold.
        deinit {
            inputs.deinitialize()
            inputs.deallocate()
            outputs.deinitialize()
            outputs.deallocate()
        }
    }
}

/// Moves a value into a Dispatch closure whose queue alone will use it.
struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
