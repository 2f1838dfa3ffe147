@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// Owner labels from descriptions and names: taken exactly (checked against Swift's own regex engine, not the
/// exporter's), on the info families and the change logs; a bad list stops the binary with exit 2 and one line.
@Suite("Owner labels from descriptions and names", .serialized)
struct OwnerLabelsTests {
    static let patterns = [("team", #"team=([a-z0-9-]+)"#), ("owner", #"^\[([^\]]+)\]"#)]

    /// What a label's value must be, by Swift Regex: the first text with a match gives its capture, cut to 64.
    static func expected(_ pattern: String, in texts: [String]) throws -> String {
        let regex = try Regex(pattern)
        for text in texts {
            if let match = try regex.firstMatch(in: text), let captured = match.output[1].substring {
                return String(captured.prefix(64))
            }
        }
        return ""
    }

    @Test("keys by description, accounts by name then description; cut at 64; no match gives \"\"; in the change logs")
    func takenExactly() async throws {
        var inventory = InventoryGenerator(seed: 61, keysPerOrg: [9], projectsPerOrg: 1, serviceAccountsPerOrg: [5]).generate()
        let descriptions = ["[payments] nightly export team=payments-core", "team=search", "no owner here", "[infra]",
                            "team=" + String(repeating: "x", count: 90), "Überwachung team=ops ✓", "TEAM=upper", "", "[a] [b]"]
        for (index, description) in descriptions.enumerated() { inventory.orgs[0].keys[index].desc = description }
        let names = ["[data] etl", "ci", "team=robots", "[ml]", "svc"]
        let accountDescriptions = ["team=data", "team=ci-cd", "team=ignored", "", "[from-description]"]
        for index in 0..<5 {
            inventory.orgs[0].serviceAccounts[index].name = names[index]
            inventory.orgs[0].serviceAccounts[index].description = accountDescriptions[index]
            inventory.orgs[0].serviceAccounts[index].isSystemManaged = false
        }
        let orgID = inventory.orgs[0].id
        try await withSimulator(inventory) { simulator, running in
            var collectors = CollectorOptions(activityFeed: false)
            collectors.ownerLabels = try OwnerLabels(Self.patterns.map { (label: $0.0, regex: $0.1) })
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .configured([orgID]), sink: sink,
                                                               collectors: collectors))
            #expect(try await handle.poll().0)
            let text = String(decoding: InventoryRenderer().render([try await handle.poll().1]), as: UTF8.self)
            let samples = try ExpositionParser.parse(text)
            let keyInfo = samples.filter { $0.name == "mongodb_api_key_info" }
            #expect(keyInfo.count == 9)
            for key in simulator.inventory.orgs[0].keys {
                let sample = try #require(keyInfo.first { $0.labels["key_id"] == key.id })
                for (label, pattern) in Self.patterns {
                    #expect(sample.labels[label] == (try Self.expected(pattern, in: [key.desc])), "\(label) of \"\(key.desc)\"")
                }
            }
            #expect(keyInfo.contains { $0.labels["team"] == "payments-core" && $0.labels["owner"] == "payments" })
            #expect(keyInfo.contains { $0.labels["team"] == String(repeating: "x", count: 64) }, "cut at 64")
            let accountInfo = samples.filter { $0.name == "mongodb_service_account_info" }
            #expect(accountInfo.count == 5)
            for account in simulator.inventory.orgs[0].serviceAccounts {
                let sample = try #require(accountInfo.first { $0.labels["client_id"] == account.clientID })
                for (label, pattern) in Self.patterns {
                    #expect(sample.labels[label] == (try Self.expected(pattern, in: [account.name, account.description])))
                }
            }
            #expect(accountInfo.contains { $0.labels["team"] == "robots" }, "the name before the description")
            #expect(accountInfo.contains { $0.labels["owner"] == "from-description" })
            let check = try await promtoolCheckMetrics(Array(text.utf8))
            #expect(check.status == 0, "\(check.output)")

            // A change names the owners of the key and of the account it is about.
            let key = simulator.inventory.orgs[0].keys[0]
            _ = simulator.setRoles(orgID: orgID, keyID: key.id, roles: [.org(orgID, "ORG_OWNER")],
                                   actor: .user(userID: "5f0000000000000000000001", username: "alice@example.com"),
                                   address: "203.0.113.1")
            let account = simulator.inventory.orgs[0].serviceAccounts[2]
            _ = simulator.changeServiceAccount(orgID: orgID, .setOrgRoles(clientID: account.clientID, roles: ["ORG_OWNER"]),
                                               actor: .user(userID: "5f0000000000000000000001", username: "alice@example.com"),
                                               address: "203.0.113.1")
            #expect(try await handle.poll().0)
            let keyChange = try #require(sink.captured.first { $0.contains("msg=\"api key change\"") })
            #expect(keyChange.contains("team=payments-core") && keyChange.contains("owner=payments"), "\(keyChange)")
            let accountChange = try #require(sink.captured.first { $0.contains("msg=\"service account change\"") })
            #expect(accountChange.contains("team=robots") && accountChange.contains("owner=\"\""), "\(accountChange)")
        }
    }

    @Test("a listing restored from --storage.path carries the target's owner labels before a first cycle succeeds")
    func restoredListing() async throws {
        var inventory = InventoryGenerator(seed: 62, keysPerOrg: [5], projectsPerOrg: 1, serviceAccountsPerOrg: [3]).generate()
        for (index, description) in ["team=payments", "[infra] backup", "nothing", "team=search [x]", ""].enumerated() {
            inventory.orgs[0].keys[index].desc = description
        }
        for (index, name) in ["[data] etl", "team=robots", "svc"].enumerated() {
            inventory.orgs[0].serviceAccounts[index].name = name
            inventory.orgs[0].serviceAccounts[index].isSystemManaged = false
        }
        let orgID = inventory.orgs[0].id
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("owners-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: storage) }
        var collectors = CollectorOptions(activityFeed: false)
        collectors.storagePath = storage.path
        collectors.ownerLabels = try OwnerLabels(Self.patterns.map { (label: $0.0, regex: $0.1) })
        let served = try await withSimulator(inventory) { simulator, running in
            let saving = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .configured([orgID]), collectors: collectors))
            let saved = try await saving.poll().0
            #expect(saved)
            return simulator.inventory.orgs[0]
        }

        // Restarted against an API that is down: the first cycle fails, and the restored listing shows, labelled.
        let down = try closedLoopbackPort()
        defer { close(down.socket) }
        let restarted = PollerHandle(poller: TestTargets.make("http://127.0.0.1:\(down.port)/api/atlas/v2",
                                                              orgs: .configured([orgID]), collectors: collectors))
        for cycle in 0..<2 {
            var state = restarted.poller.state
            if cycle == 1 {
                let (succeeded, polled) = try await restarted.poll()
                #expect(!succeeded, "the API is down")
                state = polled
            }
            let samples = try ExpositionParser.parse(String(decoding: InventoryRenderer().render([state]), as: UTF8.self))
            let keyInfo = samples.filter { $0.name == "mongodb_api_key_info" }
            #expect(keyInfo.count == served.keys.count, "cycle \(cycle)")
            for key in served.keys {
                let sample = try #require(keyInfo.first { $0.labels["key_id"] == key.id })
                for (label, pattern) in Self.patterns {
                    #expect(sample.labels[label] == (try Self.expected(pattern, in: [key.desc])), "\(label) of \"\(key.desc)\"")
                }
            }
            #expect(keyInfo.contains { $0.labels["team"] == "payments" } && keyInfo.contains { $0.labels["owner"] == "infra" })
            let accountInfo = samples.filter { $0.name == "mongodb_service_account_info" }
            #expect(accountInfo.count == 3)
            #expect(accountInfo.contains { $0.labels["owner"] == "data" } && accountInfo.contains { $0.labels["team"] == "robots" })
        }

        // Labels come from the running configuration, not the file: a target restarted with other owner labels has those.
        var other = collectors
        other.ownerLabels = try OwnerLabels([(label: "squad", regex: #"team=([a-z]+)"#)])
        let relabelled = TestTargets.make("http://127.0.0.1:\(down.port)/api/atlas/v2", orgs: .configured([orgID]), collectors: other)
        let samples = try ExpositionParser.parse(String(decoding: InventoryRenderer().render([relabelled.state]), as: UTF8.self))
        let keyInfo = samples.filter { $0.name == "mongodb_api_key_info" }
        #expect(keyInfo.count == served.keys.count)
        #expect(keyInfo.allSatisfy { $0.labels["squad"] != nil && $0.labels["team"] == nil })
        #expect(keyInfo.contains { $0.labels["squad"] == "search" })
    }

    @Test("a bad owner_labels list: exit 2 and one line naming the entry", arguments: [
        ("label: \"__reserved\"\n    regex: \"(x)\"", "exporter.yml:2: owner_labels[0].label"),
        ("label: org_id\n    regex: \"(x)\"", "exporter.yml:2: owner_labels[0].label"),
        ("label: team\n    regex: \"([a-z\"", "exporter.yml:3: owner_labels[0].regex"),
        ("label: team\n    regex: \"(a)(b)\"", "exporter.yml:3: owner_labels[0].regex"),
    ])
    func badList(entry: String, field: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("owner-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("exporter.yml")
        try Data("owner_labels:\n  - \(entry)\ntargets:\n  - name: a\n    public_key: k\n    private_key: x\n".utf8).write(to: file)
        let (status, stderr) = try await ExporterProcess.run(
            arguments: ["--config.file", file.path, "--web.listen-address", "127.0.0.1:0"], environment: [:])
        #expect(status == 2)
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(stderr)")
        #expect(lines.first?.contains(field) == true, "\(stderr)")
    }
}
