import APIKeyExporter
import AtlasSimulator
import Foundation
import Testing

/// Runs blocking work (libcurl transfers) through the exporter's own bridge, on a private serial queue of its
/// own, never on the Swift concurrency pool (see `BlockingIO`).
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingIO.run(label: "test.blocking-io", body)
}

/// Runs client calls off the pool, returning their `Result`; an error other than `APIError` fails the test.
public func offPoolResult<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async -> Result<T, APIError> {
    do {
        return .success(try await offPool(body))
    } catch let error as APIError {
        return .failure(error)
    } catch {
        Issue.record("unexpected error type: \(error)")
        return .failure(.inconsistent(reason: "unexpected error", url: ""))
    }
}

/// Runs `check` every `interval` until it gives a value, `timeout` passes or `proceed` turns false; nil if nothing came.
/// The deadline is looked at after a check, never instead of one: on a loaded machine a single sleep can outlast the
/// whole bound, and what the test waits for is often there by the time it wakes (a CI run failed on exactly that).
public func eventually<T>(timeout: Duration, interval: Duration = .milliseconds(100), while proceed: () -> Bool = { true },
                          _ check: () async throws -> T?) async throws -> T? {
    let deadline = ContinuousClock.now + timeout
    while true {
        let proceeding = proceed()
        if let value = try await check() { return value }
        guard proceeding, ContinuousClock.now < deadline else { return nil }
        try await Task.sleep(for: interval)
    }
}

/// Credentials the test simulators accept. Recognisable, so the secrets tests can search for them.
public let testPublicKey = "testpubk"
public let testPrivateKey = "5ec2e7a1-0000-4000-8000-c0ffee5ecre7"
public let testCredentials = DigestCredentials(username: testPublicKey, password: testPrivateKey)

/// Starts a simulator on 127.0.0.1 with the given inventory, runs `body`, and always stops it.
public func withSimulator<T>(
    _ inventory: SimulatedInventory, nonceLifetime: Duration = .seconds(300),
    _ body: (AtlasSimulator, RunningSimulator) async throws -> T
) async throws -> T {
    let simulator = AtlasSimulator(inventory: inventory, users: [testPublicKey: testPrivateKey], nonceLifetime: nonceLifetime)
    let running = try await simulator.start()
    do {
        let result = try await body(simulator, running)
        await running.stop()
        return result
    } catch {
        await running.stop()
        throw error
    }
}

/// A GET without authentication through the project's own libcurl transport.
public func httpGet(_ url: String, headers: [String] = []) async throws -> CurlResponse {
    try await timedHTTPGet(url, headers: headers).0
}

/// `httpGet`, and how long the request itself took: timed on the thread that makes it, so that waiting for the
/// concurrency pool on a loaded machine does not count.
public func timedHTTPGet(_ url: String, headers: [String] = []) async throws -> (CurlResponse, Duration) {
    try await offPool {
        let started = ContinuousClock.now
        let handle = CurlEasyHandle(options: TransportOptions())
        let response = try handle.get(url, headers: headers)
        return (response, ContinuousClock.now - started)
    }
}

/// One sample of a scraped exposition.
public struct Sample: Hashable, CustomStringConvertible {
    public var name: String
    public var labels: [String: String]
    public var value: Double

    public init(name: String, labels: [String: String], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    public var description: String {
        "\(name){\(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ","))} \(value)"
    }
}

/// A small parser of text format 0.0.4, written independently of the renderer so it can check it.
public enum ExpositionParser {
    public static func parse(_ text: String) throws -> [Sample] {
        var samples: [Sample] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            samples.append(try parseLine(Array(line.unicodeScalars)))
        }
        return samples
    }

    public struct ParseError: Error { var line: String }

    private static func parseLine(_ scalars: [Unicode.Scalar]) throws -> Sample {
        var index = 0
        var name = ""
        while index < scalars.count, scalars[index] != "{", scalars[index] != " " {
            name.unicodeScalars.append(scalars[index]); index += 1
        }
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while index < scalars.count, scalars[index] != "}" {
                var label = ""
                while scalars[index] != "=" { label.unicodeScalars.append(scalars[index]); index += 1 }
                index += 2  // ="
                var value = ""
                while scalars[index] != "\"" {
                    if scalars[index] == "\\" {
                        index += 1
                        switch scalars[index] {
                        case "n": value += "\n"
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        default: throw ParseError(line: String(String.UnicodeScalarView(scalars)))
                        }
                    } else {
                        value.unicodeScalars.append(scalars[index])
                    }
                    index += 1
                }
                index += 1
                labels[label] = value
                if scalars[index] == "," { index += 1 }
            }
            index += 1
        }
        let rest = String(String.UnicodeScalarView(scalars[index...])).trimmingCharacters(in: .whitespaces)
        guard let value = Double(rest) else { throw ParseError(line: String(String.UnicodeScalarView(scalars))) }
        return Sample(name: name, labels: labels, value: value)
    }
}

/// Runs `promtool check metrics` on an exposition and returns its combined output and exit status.
public func promtoolCheckMetrics(_ exposition: [UInt8]) async throws -> (output: String, status: Int32) {
    let (status, output) = try await runTool("promtool", ["check", "metrics"], input: exposition)
    return (output, status)
}

public struct MissingTool: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "\(name) is not installed (the README's setup installs it with apt-get)" }
}

/// The path of a tool on PATH or in the usual system directories; a missing tool fails the test.
public func which(_ name: String) throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin"] {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw MissingTool(name: name)
}

/// The directory holding the built products (the test bundle's own directory).
public func productsDirectory() -> URL {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
}

/// A port on 127.0.0.1 that was free a moment ago, for a child process that must be told its port up front.
///
/// Chosen outside the kernel's ephemeral range (`ip_local_port_range`), never from it: a port learned by binding port 0
/// is handed out again by the kernel to the next `bind(0)` or outgoing connection of any test running in parallel,
/// and a child told to listen there then exits with "Address already in use" (this failed a CI run). Outside that
/// range only another caller of this function can take it, and each picks at random among thousands of ports. On a
/// machine whose ephemeral range leaves no room, the kernel's choice, as before.
public func freeLoopbackPort() throws -> Int {
    guard let candidates = portsOutsideEphemeralRange() else {
        let (socket, port) = try closedLoopbackPort()
        close(socket)
        return port
    }
    for _ in 0..<500 {
        let port = Int.random(in: candidates)
        if let fd = onLoopbackSocket(port: port, { fd, address, length in bind(fd, address, length) == 0 }) {
            close(fd)
            return port
        }
    }
    throw POSIXError(.EADDRINUSE)
}

/// The larger of the two stretches outside `ip_local_port_range` (above 10000, below it or above it), if it holds
/// at least a thousand ports.
private func portsOutsideEphemeralRange() -> ClosedRange<Int>? {
    let bounds = ((try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? "32768 60999")
        .split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    let (low, high) = bounds.count == 2 ? (bounds[0], bounds[1]) : (32768, 60999)
    let below = 10000...max(10000, low - 1)
    let above = min(65535, high + 1)...65535
    let larger = below.count >= above.count ? below : above
    return larger.count >= 1000 ? larger : nil
}

/// A port on 127.0.0.1 where nothing answers for as long as the returned socket is open: bound, never listening, so
/// a connection is refused and no other test can take the port. Close the socket when done.
public func closedLoopbackPort() throws -> (socket: Int32, port: Int) {
    guard let fd = onLoopbackSocket(port: 0, { fd, address, length in bind(fd, address, length) == 0 }) else {
        throw POSIXError(.EADDRINUSE)
    }
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
    }
    guard named else {
        close(fd)
        throw POSIXError(.EADDRINUSE)
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

/// Opens a TCP connection to 127.0.0.1:`port`; the socket on success, nil if nothing accepted it.
public func connectLoopback(port: Int) -> Int32? {
    onLoopbackSocket(port: port) { fd, address, length in connect(fd, address, length) == 0 }
}

/// A new TCP socket and `body` run on it with 127.0.0.1:`port`; the socket if `body` says it worked, else nil (and
/// the socket closed).
private func onLoopbackSocket(port: Int, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Bool) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let worked = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    if worked { return fd }
    close(fd)
    return nil
}

/// Runs a tool to completion (bounded by the tool itself), with `input` on its standard input, and returns its exit
/// status and combined output. Waited for off the Swift concurrency pool, whose two threads on a 2-core machine every
/// suite's async work shares (a tool such as checkov runs for many seconds).
public func runTool(_ tool: String, _ arguments: [String], input: [UInt8]? = nil) async throws -> (Int32, String) {
    let executable = try which(tool)
    return try await offPool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let standardInput = input.map { _ in Pipe() }
        if let standardInput { process.standardInput = standardInput }
        try process.run()
        if let standardInput, let input {
            standardInput.fileHandleForWriting.write(Data(input))
            try standardInput.fileHandleForWriting.close()
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

/// The environment of a binary run against a simulator with the test credentials.
public let testEnvironment = ["MONGODB_ATLAS_PUBLIC_KEY": testPublicKey, "MONGODB_ATLAS_PRIVATE_KEY": testPrivateKey]

/// Listens on 127.0.0.1:`port` (to occupy it); the socket, or nil.
public func listenLoopback(port: Int) -> Int32? {
    onLoopbackSocket(port: port) { fd, address, length in bind(fd, address, length) == 0 && listen(fd, 1) == 0 }
}
