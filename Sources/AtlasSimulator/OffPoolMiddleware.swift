import Dispatch
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

/// A task executor backed by a concurrent Dispatch queue (its threads come and go with the load).
final class SimulatorExecutor: TaskExecutor {
    static let shared = SimulatorExecutor()
    private let queue = DispatchQueue(label: "atlas-simulator.requests", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
