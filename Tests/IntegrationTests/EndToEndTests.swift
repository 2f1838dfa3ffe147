import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

@Suite("End to end: the exporter binary against the simulator")
struct EndToEndTests {
    /// What the exporter must report for an inventory, computed independently of the exporter's own aggregation.
    static func expectedSeries(_ inventory: SimulatedInventory) -> Set<Sample> {
        var expected = Set<Sample>()
        for org in inventory.orgs {
            let base = ["target": "default", "org_id": org.id]
            expected.insert(Sample(name: "mongodb_api_keys", labels: base, value: Double(org.keys.count)))
            expected.insert(Sample(name: "mongodb_apikey_exporter_collector_success",
                                   labels: base.merging(["collector": "keys"]) { $1 }, value: 1))
            var orgRoles: [String: Int] = [:]
            var projectRoles: [[String]: Int] = [:]
            var projects: [String: Int] = [:]
            for key in org.keys {
                for role in Set(key.roles.filter { $0.projectID == nil }.map(\.roleName)) { orgRoles[role, default: 0] += 1 }
                for pair in Set(key.roles.compactMap { role in role.projectID.map { [$0, role.roleName] } }) {
                    projectRoles[pair, default: 0] += 1
                }
                for project in Set(key.roles.compactMap(\.projectID)) { projects[project, default: 0] += 1 }
                expected.insert(Sample(name: "mongodb_api_key_info", labels: base.merging([
                    "key_id": key.id, "public_key": key.publicKey, "description": key.desc,
                ]) { $1 }, value: 1))
            }
            expected.insert(Sample(name: "mongodb_org_info", labels: base.merging(["org_name": org.name]) { $1 }, value: 1))
            for project in org.projects {
                expected.insert(Sample(name: "mongodb_project_info",
                                       labels: base.merging(["project_id": project.id, "project_name": project.name]) { $1 }, value: 1))
            }
            for kind in ["added", "removed", "roles_changed", "description_changed"] {
                expected.insert(Sample(name: "mongodb_api_key_changes_total", labels: base.merging(["change": kind]) { $1 }, value: 0))
            }
            expected.insert(Sample(name: "mongodb_api_keys_without_access_list", labels: base,
                                   value: Double(org.keys.filter { $0.accessList.isEmpty }.count)))
            for key in org.keys {
                let keyLabels = base.merging(["key_id": key.id]) { $1 }
                expected.insert(Sample(name: "mongodb_api_key_created_timestamp_seconds", labels: keyLabels,
                                       value: Double(UInt32(key.id.prefix(8), radix: 16)!)))
                expected.insert(Sample(name: "mongodb_api_key_access_list_entries", labels: keyLabels,
                                       value: Double(key.accessList.count)))
                if let lastUsed = key.accessList.compactMap(\.lastUsed).max() {
                    expected.insert(Sample(name: "mongodb_api_key_last_used_timestamp_seconds", labels: keyLabels,
                                           value: Double(lastUsed)))
                }
                for role in Set(key.roles) {
                    expected.insert(Sample(name: "mongodb_api_key_role_info", labels: keyLabels.merging(
                        ["project_id": role.projectID ?? "", "role": role.roleName]) { $1 }, value: 1))
                }
            }
            for (role, count) in orgRoles {
                expected.insert(Sample(name: "mongodb_api_keys_by_org_role", labels: base.merging(["role": role]) { $1 }, value: Double(count)))
            }
            for (pair, count) in projectRoles {
                expected.insert(Sample(name: "mongodb_api_keys_by_project_role",
                                       labels: base.merging(["project_id": pair[0], "role": pair[1]]) { $1 }, value: Double(count)))
            }
            for (project, count) in projects {
                expected.insert(Sample(name: "mongodb_api_keys_by_project", labels: base.merging(["project_id": project]) { $1 },
                                       value: Double(count)))
            }
        }
        return expected
    }

    static let comparedFamilies: Set<String> = [
        "mongodb_api_keys", "mongodb_apikey_exporter_collector_success", "mongodb_api_key_info", "mongodb_api_keys_by_org_role",
        "mongodb_api_keys_by_project_role", "mongodb_api_keys_by_project", "mongodb_org_info", "mongodb_project_info",
        "mongodb_api_key_changes_total", "mongodb_api_keys_without_access_list", "mongodb_api_key_created_timestamp_seconds",
        "mongodb_api_key_access_list_entries", "mongodb_api_key_last_used_timestamp_seconds", "mongodb_api_key_role_info",
    ]

    @Test("every series matches the simulator's inventory; SIGTERM stops it cleanly; no secret in its output")
    func scrapeMatchesInventory() async throws {
        let inventory = InventoryGenerator(seed: 99, keysPerOrg: [0, 3, 777], projectsPerOrg: 4).generate()
        try await withSimulator(inventory) { simulator, running in
            let exporter = try ExporterProcess(
                arguments: ["--atlas.base-url", running.baseURL(), "--web.listen-address", "127.0.0.1:0",
                            "--poll.interval", "1h", "--log.level", "debug", "--collector.access-list",
                            // Its request count is of the key inventory; service accounts, the activity feed, MCP
                            // configurations, model API keys and the project feed have their own tests.
                            "--no-collector.service-accounts", "--no-collector.activity-feed", "--no-collector.mcp-configs",
                            "--no-collector.ai-model-keys", "--no-collector.project-feed"],
                environment: ["MONGODB_ATLAS_PUBLIC_KEY": testPublicKey, "MONGODB_ATLAS_PRIVATE_KEY": testPrivateKey])
            let port = try await exporter.waitForListeningPort()
            let base = "http://127.0.0.1:\(port)"
            try await exporter.waitUntilReady(port: port)

            let response = try await httpGet(base + "/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(!exporter.stderr.contains("level=error"), "\(exporter.stderr.split(separator: "\n").filter { $0.contains("level=error") }.prefix(3))")
            let check = try await promtoolCheckMetrics(response.body)
            #expect(check.status == 0 && check.output.isEmpty, "promtool: \(check.output)")

            let samples = try ExpositionParser.parse(String(decoding: response.body, as: UTF8.self))
            // Of the collectors' success, the keys' rows (the others' have their own tests).
            let compared = Set(samples.filter {
                Self.comparedFamilies.contains($0.name)
                    && ($0.name != "mongodb_apikey_exporter_collector_success" || $0.labels["collector"] == "keys")
            })
            let expected = Self.expectedSeries(inventory)
            #expect(compared.subtracting(expected).isEmpty, "unexpected: \(compared.subtracting(expected).prefix(5))")
            #expect(expected.subtracting(compared).isEmpty, "missing: \(expected.subtracting(compared).prefix(5))")
            #expect(samples.contains { $0.name == "mongodb_apikey_exporter_build_info" && $0.value == 1 })
            #expect(samples.contains { $0.name == "process_resident_memory_bytes" && $0.value > 0 })
            // 1 org page, 1+1+2 key pages, 3 project pages, 3 orgs' settings and delegation settings and 780 access
            // lists: one request each,
            // plus one Digest challenge per connection: discovery's, up to 3 org workers' (one per org) and up to 4
            // access-list workers'.
            #expect(samples.first { $0.name == "mongodb_apikey_exporter_api_requests_total" && $0.labels["code"] == "200" }?.value == 794)
            let challenges = samples.first { $0.name == "mongodb_apikey_exporter_api_requests_total" && $0.labels["code"] == "401" }?.value ?? 0
            #expect((2...8).contains(challenges))
            #expect(simulator.stats.keyPages == 4)

            let landing = try await httpGet(base + "/")
            #expect(String(decoding: landing.body, as: UTF8.self).contains("href=\"/metrics\""))
            #expect(try await httpGet(base + "/-/healthy").status == 200)

            #expect(try await exporter.terminate() == 0)
            #expect(exporter.stderr.contains("msg=stopped"))
            #expect(!exporter.stderr.contains(testPrivateKey))
            #expect(!String(decoding: response.body, as: UTF8.self).contains(testPrivateKey))
        }
    }

    @Test("--demo serves real metrics with no credentials")
    func demoMode() async throws {
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0", "--log.format", "logfmt"],
                                           environment: [:])
        let port = try await exporter.waitForListeningPort()
        let base = "http://127.0.0.1:\(port)"
        try await exporter.waitUntilReady(port: port)
        let samples = try ExpositionParser.parse(String(decoding: try await httpGet(base + "/metrics").body, as: UTF8.self))
        // The demo changes a key every 20 s, so a slow start may see a change or two: each org within 3 of the seed's.
        let counts = samples.filter { $0.name == "mongodb_api_keys" }.map(\.value).sorted()
        #expect(counts.count == 3 && zip(counts, [35.0, 240, 730]).allSatisfy { abs($0 - $1) <= 3 }, "\(counts)")
        #expect(samples.filter { $0.name == "mongodb_apikey_exporter_collector_success" && $0.labels["collector"] == "keys" }
            .allSatisfy { $0.value == 1 })
        #expect(try await exporter.terminate() == 0)
    }

    @Test("an invalid setting exits non-zero with one line naming it")
    func invalidSetting() async throws {
        let (status, stderr) = try await ExporterProcess.run(
            arguments: ["--poll.interval", "often"],
            environment: ["MONGODB_ATLAS_PUBLIC_KEY": "pub", "MONGODB_ATLAS_PRIVATE_KEY": testPrivateKey])
        #expect(status == 2)
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(stderr.contains("--poll.interval"))
        #expect(!stderr.contains(testPrivateKey))
    }

    @Test("missing credentials exit non-zero naming the variable")
    func missingCredentials() async throws {
        let (status, stderr) = try await ExporterProcess.run(arguments: [], environment: [:])
        #expect(status == 2)
        #expect(stderr.contains("MONGODB_ATLAS_PUBLIC_KEY"))
    }
}
