import Foundation

/// The `wrk` load generator (Debian package `wrk`), run against a loopback URL.
struct Wrk {
    struct Result {
        var p50: Double
        var p99: Double
        var requestsPerSecond: Double
    }

    let process: Process
    let output: Pipe

    /// Starts `wrk` for `seconds`. (Ending it early with SIGINT is not an option: processes started from a Swift
    /// program on Linux may inherit a signal mask that blocks it.)
    static func start(url: String, connections: Int, threads: Int = 2, seconds: Int, gzip: Bool) throws -> Wrk {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate("wrk"))
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency"]
            + (gzip ? ["-H", "Accept-Encoding: gzip"] : []) + [url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return Wrk(process: process, output: output)
    }

    static func run(url: String, connections: Int, seconds: Int, gzip: Bool) throws -> Result? {
        try start(url: url, connections: connections, seconds: seconds, gzip: gzip).finish()
    }

    var isRunning: Bool { process.isRunning }

    /// Waits for the run to end and reads its results.
    func finish() -> Result? {
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Self.parse(text)
    }

    /// Reads the 50% and 99% lines of `--latency` and the Requests/sec line.
    static func parse(_ text: String) -> Result? {
        var p50: Double?
        var p99: Double?
        var rate: Double?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == "50%" { p50 = milliseconds(fields[1]) }
            if fields.count == 2, fields[0] == "99%" { p99 = milliseconds(fields[1]) }
            if fields.first == "Requests/sec:", fields.count == 2 { rate = Double(fields[1]) }
        }
        guard let p50, let p99, let rate else { return nil }
        return Result(p50: p50, p99: p99, requestsPerSecond: rate)
    }

    static func milliseconds(_ text: Substring) -> Double? {
        for (unit, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * factor }
        }
        return nil
    }

    static func locate(_ tool: String) throws -> String {
        for directory in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(tool)") {
            return "\(directory)/\(tool)"
        }
        throw MissingTool(tool: tool)
    }

    struct MissingTool: Error, CustomStringConvertible {
        var tool: String
        var description: String { "\(tool) is not installed: apt-get install -y wrk nginx" }
    }
}

/// `/metrics` requests per second from the exporter, beside nginx serving the same bytes as a static file.
enum Throughput {
    struct Comparison {
        var exporter: Wrk.Result?
        var nginx: Wrk.Result?
        /// One connection on an idle machine (no poll running): the latency floor for these bytes.
        var exporterAlone: Wrk.Result?
        var nginxAlone: Wrk.Result?
    }

    /// `body` is what nginx serves: the exposition, gzipped when `gzip` (as the exporter sends it to a scraper that
    /// accepts gzip).
    static func compare(exporterURL: String, body: [UInt8], gzip: Bool, seconds: Int) async throws -> Comparison {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-nginx-\(UUID().uuidString)")
        let www = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(body).write(to: www.appendingPathComponent("metrics"))
        let port = Int.random(in: 20_000...40_000)
        let temp = directory.path
        let config = """
            worker_processes 2;
            daemon off;
            user nobody nogroup;
            pid \(temp)/nginx.pid;
            error_log \(temp)/error.log;
            events { worker_connections 1024; }
            http {
              access_log off;
              sendfile on;
              client_body_temp_path \(temp)/body; proxy_temp_path \(temp)/proxy; fastcgi_temp_path \(temp)/fastcgi;
              uwsgi_temp_path \(temp)/uwsgi; scgi_temp_path \(temp)/scgi;
              server {
                listen 127.0.0.1:\(port);
                root \(www.path);
                location = /metrics { default_type "text/plain; version=0.0.4; charset=utf-8"; \(gzip ? "add_header Content-Encoding gzip;" : "") }
              }
            }

            """
        try Data(config.utf8).write(to: directory.appendingPathComponent("nginx.conf"))
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: try Wrk.locate("nginx"))
        nginx.arguments = ["-c", directory.appendingPathComponent("nginx.conf").path]
        nginx.standardError = FileHandle.nullDevice
        try nginx.run()
        defer {
            nginx.terminate()
            nginx.waitUntilExit()
        }
        try await Task.sleep(for: .milliseconds(500))
        let nginxURL = "http://127.0.0.1:\(port)/metrics"
        let exporter = try Wrk.run(url: exporterURL, connections: 32, seconds: seconds, gzip: gzip)
        let static_ = try Wrk.run(url: nginxURL, connections: 32, seconds: seconds, gzip: gzip)
        let exporterAlone = try Wrk.start(url: exporterURL, connections: 1, threads: 1, seconds: seconds, gzip: gzip).finish()
        let nginxAlone = try Wrk.start(url: nginxURL, connections: 1, threads: 1, seconds: seconds, gzip: gzip).finish()
        return Comparison(exporter: exporter, nginx: static_, exporterAlone: exporterAlone, nginxAlone: nginxAlone)
    }
}
