import APIKeyExporter
import Logging
import ServiceLifecycle
import Testing

/// Serves `cache` on 127.0.0.1 while `body` runs, with the port.
func serving(_ cache: ExpositionCache, _ body: (Int) async throws -> Void) async throws {
    let router = ExporterServer.makeRouter(cache: cache, processMetrics: ProcessMetrics(), telemetryPath: "/metrics")
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = try ExporterServer.makeApplication(router: router, listenAddress: ListenAddress(host: "127.0.0.1", port: 0),
                                                 logger: Logger(label: "test")) { address in
        continuation.yield(address.port)
        continuation.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
    let task = Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    do {
        try await body(try #require(await iterator.next()))
    } catch {
        await group.triggerGracefulShutdown()
        _ = await task.result
        throw error
    }
    await group.triggerGracefulShutdown()
    _ = await task.result
}
