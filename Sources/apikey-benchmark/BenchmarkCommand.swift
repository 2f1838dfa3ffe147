import APIKeyExporter
import ArgumentParser
import AtlasSimulator
import Foundation
import Logging

/// Measures the exporter's real poll path against the simulator and prints the figures as a table.
///
/// The simulator runs in a child process, so the CPU time and peak RSS measured here are the exporter's alone.
@main
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey-benchmark",
        abstract: "Benchmark mongodb_apikey_exporter's poll cycle and /metrics against the built-in simulator.")

    @Option(help: "Large organizations in the simulated inventory.") var orgs = 20
    @Option(help: "Keys in each large organization.") var keysPerOrg = 5_000
    @Option(help: "Keys in the one small organization.") var smallOrgKeys = 100
    @Option(help: "Poll cycles to run (the first one opens the connections and sets the baseline).") var cycles = 3
    @Flag(name: .customLong("collector.key-info"), inversion: .prefixedNo, help: "Export the per-key families.")
    var keyInfo = true
    @Option(help: "Seconds of wrk load for the throughput comparison with nginx.") var throughputSeconds = 5
    @Option(help: "wrk connections scraping /metrics during cycles 2 and later (1: one scraper, as Prometheus is).")
    var scrapeConnections = 8
    @Option(name: .customLong("poll.concurrency"), help: "Organizations polled at once, as the exporter's flag.")
    var pollConcurrency = 4
    @Flag(name: .customLong("scrape-gzip"), inversion: .prefixedNo,
          help: "Scrapes send Accept-Encoding: gzip, as Prometheus always does.")
    var gzip = true
    @Option(parsing: .upToNextOption,
            help: "Instead of the cycle table: one first cycle per total key count given (e.g. 1000 10000 100000 500000), each in a fresh process, as a table of CPU and memory.")
    var scale: [Int] = []
    @Flag(help: .hidden) var serveSimulator = false
    @Flag(help: .hidden) var scaleRow = false

    func run() async throws {
        if serveSimulator {
            try await SimulatorChild.serve(orgs: orgs, keysPerOrg: keysPerOrg, smallOrgKeys: smallOrgKeys)
            return
        }
        MallocArenas.limit()  // as the exporter does
        if !scale.isEmpty {
            print(try await ScaleCurve(totals: scale, keyInfo: keyInfo, pollConcurrency: pollConcurrency).run())
            return
        }
        let child = try SimulatorChild.spawn(arguments: ["--orgs", "\(orgs)", "--keys-per-org", "\(keysPerOrg)",
                                                         "--small-org-keys", "\(smallOrgKeys)"])
        defer { child.stop() }
        let report = try await BenchmarkRun(baseURL: child.baseURL, keyInfo: keyInfo, scrapeConnections: max(1, scrapeConnections),
                                            pollConcurrency: max(1, pollConcurrency),
                                            orgs: orgs + 1,
                                            keys: orgs * keysPerOrg + smallOrgKeys,
                                            keyPages: orgs * ((keysPerOrg + 499) / 500) + (smallOrgKeys + 499) / 500, gzip: gzip)
            .run(cycles: cycles, throughputSeconds: throughputSeconds)
        print(scaleRow ? ScaleCurve.row(report) : report.text)
    }
}

/// The simulator in a child process: it prints its port, then serves until its standard input closes.
struct SimulatorChild {
    let process: Process
    let input: Pipe
    let baseURL: String

    static let credentials = (username: "benchpub", password: "bench-private-key")

    static func spawn(arguments: [String]) throws -> SimulatorChild {
        let process = Process()
        // On the same cores at the same priority, by choice: an API that answers at once, the worst case for scrapes
        // during a poll. (It used to start under `nice -n 10`, which as root lowered only its main thread, waiting on
        // standard input: libdispatch sets its worker threads' nice value from their quality of service.)
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["--serve-simulator"] + arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw ValidationError("the simulator did not start: \(line)")
        }
        return SimulatorChild(process: process, input: input, baseURL: "http://127.0.0.1:\(port)/api/atlas/v2")
    }

    /// Closing its standard input ends the child (SIGTERM alone only stops its server gracefully).
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    static func serve(orgs: Int, keysPerOrg: Int, smallOrgKeys: Int) async throws {
        let inventory = InventoryGenerator(seed: 1, keysPerOrg: Array(repeating: keysPerOrg, count: orgs) + [smallOrgKeys],
                                           projectsPerOrg: 8).generate()
        let simulator = AtlasSimulator(inventory: inventory, users: [credentials.username: credentials.password])
        let running = try await simulator.start()
        FileHandle.standardOutput.write(Data("\(running.port)\n".utf8))
        // Serve until the parent closes our standard input (or goes away).
        await BlockingIO.run(label: "benchmark.stdin") {
            _ = FileHandle.standardInput.readDataToEndOfFile()
        }
        await running.stop()
    }
}
