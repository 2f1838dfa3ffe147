import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// Operational events that must never end the exporter (a failed log write, SIGHUP, a signal storm), and settings
/// that must end it the same way every time: exit status 2 and one line.
@Suite("Robustness of the process: log writes, signals, bad settings")
struct ProcessRobustnessTests {
    static let credentials = testEnvironment

    /// The value of an unlabeled sample in an exposition, if present.
    static func value(of name: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    /// Runs `--demo` with `standardError`, checks that a SIGHUP's log line fails to be written without harm, and
    /// that the failure is counted.
    static func runWithBrokenStandardError(_ standardError: FileHandle, afterLaunch: () throws -> Void = {}) async throws {
        let port = try freeLoopbackPort()
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:\(port)"], environment: [:],
                                           standardError: standardError)
        try afterLaunch()
        try await exporter.waitUntilReady(port: port)
        exporter.send(SIGHUP)  // logs a line
        var errors = 0.0
        let deadline = ContinuousClock.now + .seconds(30)
        while errors == 0, exporter.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let text = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
            errors = value(of: "mongodb_apikey_exporter_log_write_errors_total", in: text) ?? 0
        }
        #expect(exporter.isRunning, "the exporter died (status \(exporter.isRunning ? 0 : exporter.exitStatus))")
        #expect(errors > 0, "failed log writes are counted")
        #expect(try await exporter.terminate() == 0)
    }

    @Test("standard error on a full disk (/dev/full): lines are dropped and counted, the exporter goes on")
    func fullDisk() async throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        try await Self.runWithBrokenStandardError(full)
    }

    @Test("standard error into a pipe nobody reads: no SIGPIPE death, lines dropped and counted")
    func closedPipe() async throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        try await Self.runWithBrokenStandardError(pipe.fileHandleForWriting) {
            try pipe.fileHandleForWriting.close()
        }
    }

    @Test("SIGHUP without --config.file: one log line, the exporter goes on")
    func sighupWithoutConfigFile() async throws {
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0"], environment: [:])
        let port = try await exporter.waitForListeningPort()
        try await exporter.waitUntilReady(port: port)
        exporter.send(SIGHUP)
        let deadline = ContinuousClock.now + .seconds(20)
        while !exporter.stderr.contains("no configuration file to reload"), exporter.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(exporter.isRunning)
        #expect(exporter.stderr.contains("no configuration file to reload"))
        #expect(try await httpGet("http://127.0.0.1:\(port)/-/healthy").status == 200)
        #expect(try await exporter.terminate() == 0)
    }

    @Test("100 SIGHUPs in a second with an unchanged file start no poll cycle")
    func sighupStorm() async throws {
        let inventory = InventoryGenerator(seed: 81, keysPerOrg: [30, 8]).generate()
        try await withSimulator(inventory) { simulator, running in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("storm-\(UUID().uuidString).yml")
            try Data("""
                targets:
                  - name: storm
                    base_url: \(running.baseURL())
                    public_key: \(testPublicKey)
                    private_key: ${TEST_PRIVATE_KEY}

                """.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let exporter = try ExporterProcess(
                arguments: ["--config.file", file.path, "--web.listen-address", "127.0.0.1:0", "--poll.interval", "1h"],
                environment: ["TEST_PRIVATE_KEY": testPrivateKey])
            let port = try await exporter.waitForListeningPort()
            try await exporter.waitUntilReady(port: port)
            let before = simulator.stats.requests
            for _ in 0..<100 {
                exporter.send(SIGHUP)
                try await Task.sleep(for: .milliseconds(10))
            }
            // Let every reload run (each is a file read) and any cycle it would start reach the simulator.
            let deadline = ContinuousClock.now + .seconds(20)
            while !exporter.stderr.contains("configuration file unchanged"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .seconds(2))
            #expect(exporter.isRunning)
            #expect(exporter.stderr.contains("configuration file unchanged"))
            #expect(simulator.stats.requests == before, "reloads of an unchanged file started poll cycles")
            #expect(try await exporter.terminate() == 0)
        }
    }

    /// Runs the binary with `arguments` and checks that it refused them: exit status 2 and exactly one line.
    static func expectRefused(_ arguments: [String], environment: [String: String] = credentials, mentioning: String,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (status, stderr) = try await ExporterProcess.run(arguments: arguments, environment: environment)
        let lines = stderr.split(separator: "\n")
        #expect(status == 2, "\(arguments): \(stderr.prefix(500))", sourceLocation: sourceLocation)
        #expect(lines.count == 1, "\(arguments): \(lines.count) lines: \(stderr.prefix(500))", sourceLocation: sourceLocation)
        #expect(stderr.contains(mentioning), "\(arguments): \(stderr.prefix(500))", sourceLocation: sourceLocation)
    }

    @Test("durations that overflow, or fall outside their range, are refused with one line")
    func overflowingDurations() async throws {
        try await Self.expectRefused(["--poll.interval=20000000000s"], mentioning: "--poll.interval")
        try await Self.expectRefused(["--atlas.timeout=9300000000000000s"], mentioning: "--atlas.timeout")
        try await Self.expectRefused(["--atlas.connect-timeout=99999999999999999999d"], mentioning: "--atlas.connect-timeout")
        try await Self.expectRefused(["--poll.interval=31d"], mentioning: "--poll.interval")
        try await Self.expectRefused(["--atlas.timeout=50ms"], mentioning: "--atlas.timeout")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("overflow-\(UUID().uuidString).yml")
        try Data("""
            targets:
              - name: t
                public_key: p
                private_key: secret-value
                timeout: 999999999999999999m

            """.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await Self.expectRefused(["--config.file", file.path], environment: [:], mentioning: "\(file.path):5: targets[0].timeout")
    }

    @Test("a value that is not an integer is refused like every other setting: exit 2, one line")
    func notAnInteger() async throws {
        try await Self.expectRefused(["--poll.concurrency", "lots"], mentioning: "--poll.concurrency")
        try await Self.expectRefused(["--no-such-flag"], mentioning: "--no-such-flag")
    }

    @Test("--help prints every flag, collectors' flags included, and exits 0")
    func help() throws {
        let process = Process()
        process.executableURL = productsDirectory().appendingPathComponent("mongodb_apikey_exporter")
        process.arguments = ["--help"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for flag in ["--atlas.base-url", "--poll.interval", "--collector.key-info", "--collector.access-list.concurrency"] {
            #expect(text.contains(flag), "\(flag)")
        }
    }

    @Test("a garbage TLS certificate is exit 2 and one line naming --web.config.file (it used to trap)")
    func garbageCertificate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("not a certificate\n".utf8).write(to: directory.appendingPathComponent("server.crt"))
        try Data("not a key\n".utf8).write(to: directory.appendingPathComponent("server.key"))
        let web = directory.appendingPathComponent("web.yml")
        try Data("tls_server_config:\n  cert_file: \(directory.path)/server.crt\n  key_file: \(directory.path)/server.key\n".utf8)
            .write(to: web)
        try await Self.expectRefused(["--demo", "--web.listen-address", "127.0.0.1:0", "--web.config.file", web.path],
                                     environment: [:], mentioning: "--web.config.file")
    }

    @Test("a port in use is exit 2 and one line naming --web.listen-address")
    func portInUse() async throws {
        let port = try freeLoopbackPort()
        let socket = try #require(listenLoopback(port: port))
        defer { close(socket) }
        try await Self.expectRefused(["--demo", "--web.listen-address", "127.0.0.1:\(port)"], environment: [:],
                                     mentioning: "--web.listen-address: cannot listen on 127.0.0.1:\(port): Address already in use")
    }

    @Test("a 50 MB value in the config file gives a short error line")
    func hugeValue() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).yml")
        let huge = String(repeating: "x", count: 50 << 20)
        try Data("targets:\n  - name: t\n    base_url: \"ftp://\(huge)\"\n    public_key: p\n    private_key: s3cr3t-value\n".utf8)
            .write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, stderr) = try await ExporterProcess.run(arguments: ["--config.file", file.path], environment: [:],
                                                             timeout: .seconds(120))
        #expect(status == 2)
        #expect(stderr.split(separator: "\n").count == 1)
        #expect(stderr.utf8.count < 1000, "\(stderr.utf8.count) bytes")
        #expect(stderr.contains("targets[0].base_url"))
    }
}
