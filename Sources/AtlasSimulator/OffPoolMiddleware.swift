import Dispatch
import Synchronization
import Hummingbird

/// Answers the simulator's requests on Dispatch threads of its own instead of the Swift concurrency pool. The pool
/// has one thread per core, and the process that hosts the simulator (a test run, `--demo`) waits on that pool for
/// everything else: a simulator writing a 128 MiB endless listing there held a test run's other waits for minutes.
struct OffPoolMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await withTaskExecutorPreference(SimulatorExecutor.shared) {
            try await next(request, context)
        }
    }
}

/// A task executor over a few private serial Dispatch queues, taken in turn. Serial queues, not a concurrent one:
/// on Linux a concurrent queue draws on the global queues' threads, which the Swift pool shares; a private serial
/// queue may get a thread of its own (see `BlockingIO`).
final class SimulatorExecutor: TaskExecutor {
    static let shared = SimulatorExecutor()
    private let queues = (0..<8).map { DispatchQueue(label: "atlas-simulator.requests.\($0)") }
    private let turn = Atomic<Int>(0)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let index = turn.wrappingAdd(1, ordering: .relaxed).oldValue
        queues[Int(index.magnitude % UInt(queues.count))].async { job.runSynchronously(on: executor) }
    }
}
