@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// `--storage.path`: the binary killed (SIGKILL) between polls, the inventory changed and events added while it is
/// down, then started again on the same directory: every change and event counted exactly once. And whatever the
/// file holds (corrupt, truncated, another version), the binary starts from a fresh baseline with one line.
@Suite("Restarts with --storage.path", .serialized)
struct RestartTests {
    static let alice = SimulatedActor.user(userID: "5f0000000000000000000001", username: "alice@example.com")

    static func start(_ baseURL: String, storage: URL) async throws -> (ExporterProcess, Int) {
        let exporter = try ExporterProcess(
            arguments: ["--atlas.base-url", baseURL, "--web.listen-address", "127.0.0.1:0", "--poll.interval", "1s",
                        "--storage.path", storage.path],
            environment: testEnvironment)
        let port = try await exporter.waitForListeningPort()
        try await exporter.waitUntilReady(port: port)
        return (exporter, port)
    }

    /// The samples of `/metrics` once `cycles` more cycles have polled every org (each org's last success after the
    /// moment the wait for that cycle began).
    static func samples(port: Int, after cycles: Int) async throws -> [Sample] {
        var samples: [Sample] = []
        for _ in 0..<cycles {
            let since = Date().timeIntervalSince1970
            let read = try await eventually(timeout: .seconds(60), interval: .milliseconds(200)) { () async throws -> [Sample]? in
                let samples = try ExpositionParser.parse(
                    String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self))
                let successes = samples.filter {
                    $0.name == "mongodb_apikey_exporter_collector_last_success_timestamp_seconds" && $0.labels["collector"] == "keys"
                }.map(\.value)
                return !successes.isEmpty && successes.allSatisfy { $0 > since } ? samples : nil
            }
            samples = try #require(read, "a cycle polled every org")
        }
        return samples
    }

    static func values(_ samples: [Sample], _ name: String, by label: String) -> [String: Double] {
        samples.filter { $0.name == name }.reduce(into: [:]) { $0[$1.labels[label] ?? "", default: 0] += $1.value }
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("SIGKILL, changes and events while down, restart: each counted once, then never again")
    func killAndRestart() async throws {
        let generator = InventoryGenerator(seed: 71, keysPerOrg: [12, 7], projectsPerOrg: 2, serviceAccountsPerOrg: [3, 0])
        let storage = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: storage) }
        try await withSimulator(generator.generate()) { simulator, running in
            let (first, firstPort) = try await Self.start(running.baseURL(), storage: storage)
            _ = try await Self.samples(port: firstPort, after: 2)
            kill(first.pid, SIGKILL)
            _ = try await first.terminate()
            #expect(FileManager.default.fileExists(atPath: storage.appendingPathComponent("default.state.jsonl").path))

            // While it is down: two keys added, one removed, one given other roles, one renamed, one transient key,
            // one service account's roles changed.
            let orgs = simulator.inventory.orgs
            var random = SeededGenerator(seed: 5)
            for index in 0..<2 {
                let key = generator.makeKey(index: 900 + index, orgID: orgs[0].id, projects: orgs[0].projects, using: &random)
                _ = simulator.createKey(orgID: orgs[0].id, key: key, actor: Self.alice, address: "203.0.113.9")
            }
            _ = simulator.deleteKey(orgID: orgs[1].id, keyID: orgs[1].keys[0].id, actor: Self.alice, address: "203.0.113.9")
            _ = simulator.setRoles(orgID: orgs[1].id, keyID: orgs[1].keys[1].id, roles: [.org(orgs[1].id, "ORG_OWNER")],
                                   actor: Self.alice, address: "203.0.113.9")
            _ = simulator.setDescription(orgID: orgs[0].id, keyID: orgs[0].keys[0].id, description: "renamed while down",
                                         actor: Self.alice, address: "203.0.113.9")
            let transient = generator.makeKey(index: 950, orgID: orgs[1].id, projects: orgs[1].projects, using: &random)
            _ = simulator.createKey(orgID: orgs[1].id, key: transient, actor: Self.alice, address: "203.0.113.9")
            _ = simulator.deleteKey(orgID: orgs[1].id, keyID: transient.id, actor: Self.alice, address: "203.0.113.9")
            let account = try #require(orgs[0].serviceAccounts.first { !$0.isSystemManaged })
            _ = simulator.changeServiceAccount(orgID: orgs[0].id, .setOrgRoles(clientID: account.clientID, roles: ["ORG_OWNER"]),
                                               actor: Self.alice, address: "203.0.113.9")

            let (second, port) = try await Self.start(running.baseURL(), storage: storage)
            #expect(second.stderr.contains("restored the state saved before the last stop"), "\(second.stderr)")
            // Three more cycles: the overlap re-reads the same events, which must not count again.
            let samples = try await Self.samples(port: port, after: 3)
            let changes = Self.values(samples, "mongodb_api_key_changes_total", by: "change")
            #expect(changes == ["added": 2, "removed": 1, "roles_changed": 1, "description_changed": 1], "\(changes)")
            let events = Self.values(samples, "mongodb_api_key_events_total", by: "event_type").filter { $0.value > 0 }
            #expect(events == ["API_KEY_CREATED": 3, "API_KEY_DELETED": 2, "API_KEY_ROLES_CHANGED": 1,
                               "API_KEY_DESCRIPTION_CHANGED": 1], "\(events)")
            #expect(Self.values(samples, "mongodb_api_keys_transient_total", by: "org_id") == [orgs[0].id: 0, orgs[1].id: 1])
            let accountChanges = Self.values(samples, "mongodb_service_account_changes_total", by: "change").filter { $0.value > 0 }
            #expect(accountChanges == ["roles_changed": 1], "\(accountChanges)")
            let accountEvents = Self.values(samples, "mongodb_service_account_events_total", by: "event_type").filter { $0.value > 0 }
            #expect(accountEvents == ["SERVICE_ACCOUNT_ROLES_CHANGED": 1], "\(accountEvents)")
            // Each change logged once, with who made it.
            let lines = second.stderrLines.filter { $0.contains("msg=\"api key change\"") }
            #expect(lines.count == 5)
            #expect(lines.allSatisfy { $0.contains("actor=alice@example.com") }, "\(lines)")
            #expect(samples.first { $0.name == "mongodb_apikey_exporter_state_write_errors_total" }?.value == 0)
            #expect(try await second.terminate() == 0)
        }
    }

    @Test("a corrupt, truncated, foreign-version, other-target or unreadable state file: one line, a fresh baseline",
          arguments: ["corrupt", "truncated", "version", "target", "directory"])
    func unusableFile(_ damage: String) async throws {
        let storage = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: storage) }
        let inventory = InventoryGenerator(seed: 72, keysPerOrg: [5], projectsPerOrg: 1).generate()
        try await withSimulator(inventory) { simulator, running in
            let (first, firstPort) = try await Self.start(running.baseURL(), storage: storage)
            _ = try await Self.samples(port: firstPort, after: 1)
            kill(first.pid, SIGKILL)
            _ = try await first.terminate()
            let file = storage.appendingPathComponent("default.state.jsonl")
            var text = try String(contentsOf: file, encoding: .utf8)
            switch damage {
            case "corrupt": text = text.replacingOccurrences(of: "\"keys\"", with: "\"keys\" ]]}{")
            case "truncated": text = String(text.prefix(text.count * 2 / 3))
            case "version": text = text.replacingOccurrences(of: "\"version\":1", with: "\"version\":99")
            case "target": text = text.replacingOccurrences(of: "\"target\":\"default\"", with: "\"target\":\"other\"")
            default: text = ""
            }
            if damage == "directory" {
                try FileManager.default.removeItem(at: file)
                try FileManager.default.createDirectory(at: file, withIntermediateDirectories: false)
            } else {
                try Data(text.utf8).write(to: file)
            }
            // A change while down, which a fresh baseline cannot count.
            _ = simulator.deleteKey(orgID: inventory.orgs[0].id, keyID: inventory.orgs[0].keys[0].id, actor: Self.alice,
                                    address: "203.0.113.9")
            let (second, port) = try await Self.start(running.baseURL(), storage: storage)
            let samples = try await Self.samples(port: port, after: 1)
            let warnings = second.stderrLines.filter { $0.contains("state file not used") }
            #expect(warnings.count == 1, "\(second.stderr)")
            #expect(Self.values(samples, "mongodb_api_key_changes_total", by: "change").values.allSatisfy { $0 == 0 })
            #expect(samples.contains { $0.name == "mongodb_api_keys" && $0.value == 4 }, "the fresh baseline is the listing")
            if damage == "directory" {
                // The path is a directory now: each save fails, counted, and the poll goes on.
                #expect((samples.first { $0.name == "mongodb_apikey_exporter_state_write_errors_total" }?.value ?? 0) >= 1)
                #expect(second.stderrLines.contains { $0.contains("state file not written") })
            }
            #expect(try await second.terminate() == 0)
        }
    }

    @Test("--storage.path that is not a directory: exit 2 and one line")
    func notADirectory() async throws {
        let (status, stderr) = try await ExporterProcess.run(
            arguments: ["--demo", "--web.listen-address", "127.0.0.1:0", "--storage.path", "/nonexistent/state"], environment: [:])
        #expect(status == 2)
        #expect(stderr.split(separator: "\n").count == 1 && stderr.contains("--storage.path"), "\(stderr)")
    }
}
