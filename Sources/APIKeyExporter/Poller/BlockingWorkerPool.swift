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
    func map<Input, Output>(_ inputs: [Input], _ body: (Resource, Input) -> Output) -> [Output] {
        guard !inputs.isEmpty else { return [] }
        return withoutActuallyEscaping(body) { body in
            let outputs = UnsafeMutableBufferPointer<Output?>.allocate(capacity: inputs.count)
            outputs.initialize(repeating: nil)
            // Deinitialize first: deallocating alone would never release the outputs the buffer holds (every
            // org's status, whole inventories, once per cycle).
            defer {
                outputs.deinitialize()
                outputs.deallocate()
            }
            let job = Job(inputs: inputs, body: body, outputs: outputs)
            let group = DispatchGroup()
            for worker in workers.prefix(inputs.count) {
                let resource = UncheckedTransfer(worker.resource)
                worker.queue.async(group: group) {
                    while let index = job.claim() {
                        job.outputs[index] = job.body(resource.value, job.inputs[index])
                    }
                }
            }
            group.wait()
            return outputs.map { $0! }
        }
    }

    /// The shared state of one `map` call. Each output slot is written by exactly one worker, and read only
    /// after `group.wait()`, which orders those writes before the read.
    private final class Job<Input, Output>: @unchecked Sendable {
        let inputs: [Input]
        let body: (Resource, Input) -> Output
        let outputs: UnsafeMutableBufferPointer<Output?>
        private let next = Mutex(0)

        init(inputs: [Input], body: @escaping (Resource, Input) -> Output, outputs: UnsafeMutableBufferPointer<Output?>) {
            self.inputs = inputs
            self.body = body
            self.outputs = outputs
        }

        func claim() -> Int? {
            next.withLock { value in
                guard value < inputs.count else { return nil }
                defer { value += 1 }
                return value
            }
        }
    }
}

/// Moves a value into a Dispatch closure whose queue alone will use it.
struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
