import APIKeyExporter
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// One benchmark: poll cycles with `/metrics` under load meanwhile, then `/metrics` throughput beside nginx.
struct BenchmarkRun {
    let baseURL: String
    let keyInfo: Bool
    let scrapeConnections: Int
    let pollConcurrency: Int
    let orgs: Int
    let keys: Int
    let keyPages: Int
    /// Scrapes ask for gzip, as Prometheus always does.
    let gzip: Bool

    struct Row {
        var cycle: Int
        var wall: Double
        var cpu: Double
        var peakRSS: Int
        var peakAnonymous: Int
        var requests: Int
        var challenges: Int
        var ok: Int
        var connections: Int
        var exposition: Int
        var deflated: Int
        var latency: Wrk.Result?
    }

    /// Cycles run after a measured one while `wrk` is still timing scrapes; a bound, never reached in practice.
    static let maxExtraCycles = 20

    func run(cycles: Int, throughputSeconds: Int) async throws -> Report {
        let target = TargetConfig(
            name: "bench", baseURL: baseURL, orgSelection: .discover,
            credentials: .apiKey(DigestCredentials(username: SimulatorChild.credentials.username,
                                                   password: SimulatorChild.credentials.password)),
            transport: TransportOptions())
        var logger = Logger(label: "benchmark")
        logger.logLevel = .critical
        let poller = BenchmarkPoller(ExporterAssembly.makeTargetPoller(
            target, settings: CollectorSettings(), poll: PollOptions(orgConcurrency: pollConcurrency),
            cpuGate: .forThisMachine(), logger: logger))
        let renderer = InventoryRenderer(options: .init(keyInfo: keyInfo, pollInterval: .seconds(300)))
        let cache = ExpositionCache()
        let server = try await MetricsServer.start(cache: cache)
        let report: Result<Report, any Error>
        do {
            report = .success(try await measure(poller: poller, renderer: renderer, cache: cache, port: server.port,
                                                cycles: cycles, throughputSeconds: throughputSeconds))
        } catch {
            report = .failure(error)
        }
        await server.stop()
        return try report.get()
    }

    private func measure(poller: BenchmarkPoller, renderer: InventoryRenderer, cache: ExpositionCache, port: Int,
                         cycles: Int, throughputSeconds: Int) async throws -> Report {
        let metricsURL = "http://127.0.0.1:\(port)/metrics"
        let idleRSS = ProcessSample.currentRSS()
        let idleAnonymous = ProcessSample.anonymousRSS()
        var rows: [Row] = []
        var previous = (codes: [String: Int](), connections: 0)
        for cycle in 1...max(1, cycles) {
            // From the second cycle on, /metrics is under load while the poll runs (the first has nothing to serve),
            // for the first cycle's wall time, rounded up to whole seconds.
            let loadSeconds = Int((rows.first?.wall ?? 1).rounded(.up))
            let wrk = cycle > 1 ? try Wrk.start(url: metricsURL, connections: scrapeConnections,
                                                   threads: min(2, scrapeConnections), seconds: max(1, loadSeconds), gzip: gzip) : nil
            ProcessSample.resetPeakRSS()
            let anonymous = AnonymousMemorySampler()
            let before = ProcessSample.now()
            var state = await poller.pollAndRender(renderer: renderer, cache: cache)
            let after = ProcessSample.now()
            let codes = state.requestsByCode
            func delta(_ code: String) -> Int { (codes[code] ?? 0) - (previous.codes[code] ?? 0) }
            rows.append(Row(
                cycle: cycle, wall: after.wall - before.wall, cpu: after.cpu - before.cpu, peakRSS: ProcessSample.peakRSS(), peakAnonymous: anonymous.finish(),
                requests: codes.values.reduce(0, +) - previous.codes.values.reduce(0, +), challenges: delta("401"), ok: delta("200"),
                connections: state.connectionsOpened - previous.connections, exposition: cache.current.text.length, deflated: cache.current.text.deflatedSize, latency: nil))
            // wrk runs whole seconds: more cycles follow until it ends (bounded), so every scrape it times meets a poll.
            // The row's other figures are the measured cycle's alone.
            for _ in 0..<Self.maxExtraCycles where wrk?.isRunning == true {
                state = await poller.pollAndRender(renderer: renderer, cache: cache)
            }
            rows[rows.count - 1].latency = wrk?.finish()
            previous = (state.requestsByCode, state.connectionsOpened)
        }
        let settledRSS = ProcessSample.currentRSS()
        let settledAnonymous = ProcessSample.anonymousRSS()
        // nginx serves the bytes the exporter sends: gzipped (with an empty tail) when scrapes ask for gzip.
        let body = gzip ? GzipStream.member(prefix: cache.current.text, tail: ByteBuffer()).flatMap { Array(buffer: $0) }
            : Array(buffer: cache.plainText())
        let throughput = throughputSeconds <= 0 ? Throughput.Comparison()
            : try await Throughput.compare(exporterURL: metricsURL, body: body, gzip: gzip, seconds: throughputSeconds)
        return Report(run: self, rows: rows, throughput: throughput, idleRSS: idleRSS, settledRSS: settledRSS,
                      idleAnonymous: idleAnonymous, settledAnonymous: settledAnonymous)
    }
}

/// The target poller, confined to one queue of its own, as the exporter's timer runs it.
struct BenchmarkPoller {
    private let poller: QueueConfined<TargetPoller>

    init(_ poller: TargetPoller) {
        self.poller = QueueConfined(poller, label: "benchmark.poll")
    }

    /// What a cycle's row needs from the poller's state: counters only, so that the benchmark never holds an
    /// inventory into the next cycle (the exporter does not).
    struct Counters: Sendable {
        var requestsByCode: [String: Int]
        var connectionsOpened: Int
    }

    /// One poll cycle and its render, as the exporter's timer runs them.
    func pollAndRender(renderer: InventoryRenderer, cache: ExpositionCache) async -> Counters {
        await poller.run { poller in
            let publisher = ExpositionPublisher(renderer: renderer, cache: cache)
            publisher.cycleStarting()
            poller.pollOnce()
            publisher.publish([poller.state])
            return Counters(requestsByCode: poller.state.requestsByCode, connectionsOpened: poller.state.connectionsOpened)
        }
    }
}

/// The exporter's own HTTP server (router, cache, process metrics), on a loopback port.
struct MetricsServer {
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    static func start(cache: ExpositionCache) async throws -> MetricsServer {
        var logger = Logger(label: "benchmark.server")
        logger.logLevel = .critical
        let router = ExporterServer.makeRouter(cache: cache, processMetrics: ProcessMetrics(), telemetryPath: "/metrics")
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try ExporterServer.makeApplication(router: router, listenAddress: ListenAddress(host: "127.0.0.1", port: 0),
                                                     logger: logger) { address in
            continuation.yield(address.port)
            continuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return MetricsServer(port: port, group: group, task: task)
    }

    /// A graceful shutdown: cancelling the serving task can trap in NIO (see `RunningSimulator.stop()`).
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// Wall time, CPU time and peak resident memory of this process.
enum ProcessSample {
    static func now() -> (wall: Double, cpu: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return (Date().timeIntervalSince1970, cpu)
    }

    /// Linux resets the peak (VmHWM) to the current RSS when "5" is written to clear_refs.
    static func resetPeakRSS() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// VmHWM in bytes.
    static func peakRSS() -> Int {
        statusField("VmHWM:")
    }

    /// VmRSS in bytes.
    static func currentRSS() -> Int {
        statusField("VmRSS:")
    }

    /// RssAnon in bytes: resident memory that is not a mapped file.
    static func anonymousRSS() -> Int {
        statusField("RssAnon:")
    }

    private static func statusField(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            return (Int(line.split(separator: " ")[1]) ?? 0) * 1024
        }
        return 0
    }
}
