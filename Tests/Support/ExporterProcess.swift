import Foundation
import Synchronization

/// The built `mongodb_apikey_exporter` binary, run as a child process with its stderr captured.
public final class ExporterProcess: Sendable {
    private let process: Process
    private let stderrText = CapturedText()
    private let stderrPipe = Pipe()

    private final class CapturedText: Sendable {
        let text = Mutex("")
        /// Whether the pipe reached its end (the process and everything it started have closed it).
        let ended = Mutex(false)
    }

    /// `standardError`, when given, replaces the captured pipe (e.g. /dev/full, or a pipe nobody reads).
    public init(arguments: [String], environment: [String: String], standardError: FileHandle? = nil) throws {
        process = Process()
        process.executableURL = productsDirectory().appendingPathComponent("mongodb_apikey_exporter")
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        if let standardError {
            process.standardError = standardError
            stderrText.ended.withLock { $0 = true }  // nothing captured, nothing to wait for
        } else {
            // Close-on-exec, so that a process another test spawns at this moment does not inherit the pipe and hold
            // its end open (the exporter gets its end as descriptor 2, which the spawn's dup2 makes inheritable).
            for end in [stderrPipe.fileHandleForReading, stderrPipe.fileHandleForWriting] {
                _ = fcntl(end.fileDescriptor, F_SETFD, FD_CLOEXEC)
            }
            process.standardError = stderrPipe
            stderrPipe.fileHandleForReading.readabilityHandler = { [stderrText] handle in
                let data = handle.availableData
                guard !data.isEmpty else {
                    // The end of the pipe: stop being called (the handler would otherwise fire with nothing).
                    handle.readabilityHandler = nil
                    stderrText.ended.withLock { $0 = true }
                    return
                }
                stderrText.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        try process.run()
    }

    /// A test that fails before it terminates its exporter must not leave it running: every later test on the
    /// machine would share its cores with it (a loaded run once left dozens behind, and the rest timed out).
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Lines written to the captured standard error.
    public var stderrLines: [Substring] { stderr.split(separator: "\n") }

    public var stderr: String { stderrText.text.withLock { $0 } }
    public var isRunning: Bool { process.isRunning }
    public var pid: Int32 { process.processIdentifier }
    public var exitStatus: Int32 { process.terminationStatus }
    /// How the process ended, for a failing test's message: "exit N" or "signal N" (a trap is signal 4 or 5).
    public var termination: String {
        process.isRunning ? "running" : "\(process.terminationReason == .uncaughtSignal ? "signal" : "exit") \(process.terminationStatus)"
    }

    /// Waits (up to `timeout`) for the "listening" log line and returns the bound port. The bound only tells "soon"
    /// from "never": at the start of a full run on two cores, a child's first line can take tens of seconds.
    public func waitForListeningPort(timeout: Duration = .seconds(90)) async throws -> Int {
        let port = try await eventually(timeout: timeout, interval: .milliseconds(50), while: { process.isRunning }) {
            stderr.split(separator: "\n").lazy.compactMap { line -> Int? in
                guard line.contains("msg=listening"), let range = line.range(of: "address=127.0.0.1:") else { return nil }
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }.first
        }
        guard let port else { throw ExporterDidNotStart(stderr: stderr) }
        return port
    }

    public struct ExporterDidNotStart: Error {
        var stderr: String
    }

    /// Waits (bounded) until `/-/ready` answers 200, i.e. the first poll has been published. Generous by default:
    /// CI runs every suite at once on a small machine, and a first poll can then take many seconds.
    public func waitUntilReady(port: Int, timeout: Duration = .seconds(120)) async throws {
        let ready = try await eventually(timeout: timeout, while: { process.isRunning }) { () async -> Bool? in
            (try? await httpGet("http://127.0.0.1:\(port)/-/ready"))?.status == 200 ? true : nil
        }
        if ready == true { return }
        throw ExporterNotReady(exitStatus: process.isRunning ? nil : process.terminationStatus, stderr: stderr)
    }

    public struct ExporterNotReady: Error {
        /// nil while the exporter still runs (it did not become ready in time).
        var exitStatus: Int32?
        var stderr: String
    }

    /// Sends a signal, e.g. SIGHUP to reload the configuration.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits (bounded) until every byte the process wrote to its captured standard error has been read: the
    /// pipe's reader runs on a queue of its own, and may still be behind when the process has exited.
    public func waitForStderrEnd(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !stderrText.ended.withLock({ $0 }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Sends SIGTERM and waits (bounded) for the process to exit, then for the rest of its standard error; returns
    /// its exit status or nil if it hung.
    public func terminate(timeout: Duration = .seconds(15)) async throws -> Int32? {
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        try await waitForStderrEnd()
        return process.terminationStatus
    }

    /// Runs the binary to completion (bounded) and returns its exit status and stderr.
    public static func run(arguments: [String], environment: [String: String], timeout: Duration = .seconds(30)) async throws -> (Int32?, String) {
        let exporter = try ExporterProcess(arguments: arguments, environment: environment)
        let deadline = ContinuousClock.now + timeout
        while exporter.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        if exporter.isRunning {
            return (try await exporter.terminate(), exporter.stderr)
        }
        try await exporter.waitForStderrEnd()
        return (exporter.exitStatus, exporter.stderr)
    }
}
