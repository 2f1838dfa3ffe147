import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// `--storage.path` is one exporter's per target: a second process for the same target and directory exits 2 with
/// one line; another target may share the directory; the lock survives a reload and ends with the process.
@Suite("One exporter per target and state directory", .serialized)
struct StorageLockTests {
    static func writeConfig(_ file: URL, targets: [String], baseURL: String) throws {
        let text = targets.map { name in
            "  - name: \(name)\n    base_url: \(baseURL)\n    public_key: \(testPublicKey)\n    private_key: ${TEST_PRIVATE_KEY}\n"
        }.joined()
        try Data(("targets:\n" + text).utf8).write(to: file)
    }

    static func arguments(_ config: URL, _ storage: URL) -> [String] {
        ["--config.file", config.path, "--storage.path", storage.path, "--web.listen-address", "127.0.0.1:0",
         "--poll.interval", "1h"]
    }

    static let environment = ["TEST_PRIVATE_KEY": testPrivateKey]

    static func startReady(_ arguments: [String]) async throws -> ExporterProcess {
        let exporter = try ExporterProcess(arguments: arguments, environment: environment)
        try await exporter.waitUntilReady(port: try await exporter.waitForListeningPort())
        return exporter
    }

    /// Runs an exporter that must refuse to start: exit 2 and one line naming --storage.path and `target`.
    static func expectRefused(_ arguments: [String], target: String) async throws {
        let (status, stderr) = try await ExporterProcess.run(arguments: arguments, environment: environment, timeout: .seconds(60))
        #expect(status == 2, "\(stderr)")
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.contains("--storage.path") == true
                && lines.first?.contains("target \"\(target)\" is in use by another running exporter") == true, "\(stderr)")
    }

    /// Waits (bounded) for a line containing `text` in the exporter's standard error.
    static func waitForLine(_ exporter: ExporterProcess, containing text: String) async throws -> Bool {
        try await eventually(timeout: .seconds(60), interval: .milliseconds(50)) {
            exporter.stderr.contains(text) ? true : nil
        } ?? false
    }

    @Test("a second process on the same target and directory exits 2; other targets share it; reloads keep the lock")
    func exclusive() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
        let storage = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let shared = directory.appendingPathComponent("shared.yml")
        let other = directory.appendingPathComponent("other.yml")
        let inventory = InventoryGenerator(seed: 73, keysPerOrg: [4], projectsPerOrg: 1).generate()
        try await withSimulator(inventory) { _, running in
            let baseURL = running.baseURL()
            try Self.writeConfig(shared, targets: ["shared"], baseURL: baseURL)
            try Self.writeConfig(other, targets: ["other"], baseURL: baseURL)
            let first = try await Self.startReady(Self.arguments(shared, storage))
            try await Self.expectRefused(Self.arguments(shared, storage), target: "shared")
            #expect(first.isRunning)

            // Another target in the same directory runs beside it, and holds its own lock: a reload of the first
            // that adds that target fails and changes nothing.
            let beside = try await Self.startReady(Self.arguments(other, storage))
            let reloadFile = directory.appendingPathComponent("reload.yml")
            try Self.writeConfig(reloadFile, targets: ["shared", "other"], baseURL: baseURL)
            try FileManager.default.removeItem(at: shared)
            try FileManager.default.copyItem(at: reloadFile, to: shared)
            first.send(SIGHUP)
            #expect(try await Self.waitForLine(first, containing: "configuration reload failed"))
            let failure = first.stderrLines.first { $0.contains("configuration reload failed") } ?? ""
            #expect(failure.contains("--storage.path") && failure.contains("other") && failure.contains("is in use by another running exporter"),
                    "\(first.stderr)")
            #expect(try await beside.terminate() == 0)

            // Now free: the same file applies on the next SIGHUP, the first's own lock on "shared" kept.
            first.send(SIGHUP)
            #expect(try await Self.waitForLine(first, containing: "configuration reloaded"))
            try Self.writeConfig(other, targets: ["shared"], baseURL: baseURL)
            try await Self.expectRefused(Self.arguments(other, storage), target: "shared")
            try Self.writeConfig(other, targets: ["other"], baseURL: baseURL)
            try await Self.expectRefused(Self.arguments(other, storage), target: "other")

            // The lock ends with the process, SIGKILL included.
            kill(first.pid, SIGKILL)
            _ = try await first.terminate()
            let next = try await Self.startReady(Self.arguments(shared, storage))
            #expect(try await next.terminate() == 0)
            let names = try FileManager.default.contentsOfDirectory(atPath: storage.path).sorted()
            #expect(names.contains("shared.lock") && names.contains("other.lock"), "\(names)")
        }
    }
}
