import APIKeyExporter
import Foundation

/// A real Prometheus server (Debian's `prometheus` package) on a loopback port with temporary storage,
/// scraping one exporter every second and evaluating the given rule files.
///
/// `@unchecked Sendable`: every stored property is set once in `init`; create it with `offPool`, since starting
/// it blocks.
public final class PrometheusServer: @unchecked Sendable {
    public let port: Int
    private let process: Process
    private let directory: URL

    public init(scrapeTarget: String, job: String, ruleFiles: [String]) throws {
        let binary = try which("prometheus")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
            \(ruleFiles.map { "  - \($0)" }.joined(separator: "\n"))
            scrape_configs:
              - job_name: \(job)
                static_configs:
                  - targets: ['\(scrapeTarget)']

            """
        let configFile = directory.appendingPathComponent("prometheus.yml")
        try Data(config.utf8).write(to: configFile)

        var lastLog = ""
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["--config.file=\(configFile.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                                 "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"]
            let log = directory.appendingPathComponent("prometheus.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
            if Self.waitUntilReady(port: port, process: process) {
                self.port = port
                self.process = process
                return
            }
            process.terminate()
            process.waitUntilExit()
            lastLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        throw PrometheusDidNotStart(log: lastLog)
    }

    public struct PrometheusDidNotStart: Error {
        var log: String
    }

    public func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// `GET /api/v1/query`; returns the decoded `data.result` array, or throws with Prometheus' error.
    public func query(_ expression: String) async throws -> [[String: Any]] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = expression.addingPercentEncoding(withAllowedCharacters: allowed) ?? expression
        let response = try await httpGet("http://127.0.0.1:\(port)/api/v1/query?query=\(encoded)")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard response.status == 200, object?["status"] as? String == "success",
              let data = object?["data"] as? [String: Any] else {
            throw QueryFailed(expression: expression, answer: String(decoding: response.body, as: UTF8.self))
        }
        if let result = data["result"] as? [[String: Any]] { return result }
        if data["result"] is [Any] { return [] }
        // A scalar or string result: one value, never empty.
        return [["value": data["result"] ?? ""]]
    }

    public struct QueryFailed: Error, CustomStringConvertible {
        var expression: String
        var answer: String
        public var description: String { "query \(expression) failed: \(answer)" }
    }

    /// `GET /api/v1/rules`: the rule groups Prometheus loaded.
    public func ruleGroups() async throws -> [[String: Any]] {
        let response = try await httpGet("http://127.0.0.1:\(port)/api/v1/rules")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return ((object?["data"] as? [String: Any])?["groups"] as? [[String: Any]]) ?? []
    }

    /// Polls `/-/ready` for up to 60 s (bounded): Prometheus starts slowly on a loaded CI machine.
    private static func waitUntilReady(port: Int, process: Process) -> Bool {
        for _ in 0..<600 {
            guard process.isRunning else { return false }
            let handle = CurlEasyHandle(options: TransportOptions())
            if (try? handle.get("http://127.0.0.1:\(port)/-/ready", headers: []))?.status == 200 { return true }
            usleep(100_000)
        }
        return false
    }
}
