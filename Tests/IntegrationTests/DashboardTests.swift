import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

@Suite("Dashboards and alert rules against a real Prometheus")
struct DashboardTests {
    static let dashboards = Repository.root.appendingPathComponent("dashboards")
    /// promtool unit tests; the key-age alerts sit in their own file, evaluated hourly.
    static let testFiles = ["alerts_test.yml", "alerts_age_test.yml", "alerts_service_accounts_test.yml", "alerts_feed_test.yml",
                             "alerts_ops_manager_test.yml", "alerts_posture_test.yml", "alerts_mcp_test.yml",
                             "alerts_ai_model_keys_test.yml"]

    @Test("promtool check rules accepts the alert rules")
    func checkRules() async throws {
        let (status, output) = try await runTool("promtool", ["check", "rules", Self.dashboards.appendingPathComponent("alerts.yml").path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("SUCCESS: 32 rules found"), "\(output)")
    }

    @Test("promtool test rules: every alert fires when it should and not when it should not")
    func unitTests() async throws {
        let files = Self.testFiles.map { Self.dashboards.appendingPathComponent($0).path }
        let (status, output) = try await runTool("promtool", ["test", "rules"] + files)
        #expect(status == 0, "\(output)")
        #expect(output.components(separatedBy: "SUCCESS").count - 1 == files.count, "\(output)")
    }

    @Test("every alert has a unit test, summary and description annotations and a severity")
    func everyAlertCovered() throws {
        let rules = try String(contentsOf: Self.dashboards.appendingPathComponent("alerts.yml"), encoding: .utf8)
        let tests = try Self.testFiles.map {
            try String(contentsOf: Self.dashboards.appendingPathComponent($0), encoding: .utf8)
        }.joined()
        let alerts = rules.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "- alert: ") else { return nil }
            return String(line[range.upperBound...])
        }
        #expect(alerts.count == 32)
        for alert in alerts {
            #expect(tests.contains("alertname: \(alert)\n        exp_alerts:\n          - exp_labels"), "\(alert) has no firing test")
        }
        #expect(rules.components(separatedBy: "summary:").count - 1 == alerts.count)
        #expect(rules.components(separatedBy: "description:").count - 1 == alerts.count)
        #expect(rules.components(separatedBy: "severity:").count - 1 == alerts.count)
    }

    /// Every PromQL expression of the dashboard: panel targets, and the queries behind its template variables.
    static func dashboardExpressions() throws -> [String] {
        let data = try Data(contentsOf: dashboards.appendingPathComponent("mongodb-apikeys.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var expressions: [String] = []
        func visit(_ panels: [[String: Any]]) {
            for panel in panels {
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    if let expr = target["expr"] as? String { expressions.append(expr) }
                }
                visit(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        visit(dashboard["panels"] as? [[String: Any]] ?? [])
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        for variable in variables where variable["type"] as? String == "query" {
            guard let definition = variable["definition"] as? String else { continue }
            if definition.hasPrefix("label_values("), let comma = definition.lastIndex(of: ",") {
                expressions.append(String(definition[definition.index(definition.startIndex, offsetBy: 13)..<comma]))
            } else if definition.hasPrefix("query_result(") {
                expressions.append(String(definition.dropFirst(13).dropLast()))
            }
        }
        return expressions.map { expression in
            expression.replacingOccurrences(of: "$__rate_interval", with: "1m")
                // A dashboard's range is hours; 10 minutes keeps an increase (the transient key's) in view while a
                // loaded machine works through every query, where 1 minute could pass before its turn came.
                .replacingOccurrences(of: "$__range", with: "10m")
                .replacingOccurrences(of: "$__interval", with: "1m")
                .replacingOccurrences(of: "$target", with: ".*")
                .replacingOccurrences(of: "$org", with: ".*")
        }
    }

    @Test("the dashboard is importable: stable uid, datasource input and variable, target and org variables")
    func dashboardShape() throws {
        let data = try Data(contentsOf: Self.dashboards.appendingPathComponent("mongodb-apikeys.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(dashboard["uid"] as? String == "mongodb-apikeys")
        #expect((dashboard["schemaVersion"] as? Int ?? 0) >= 39)
        let inputs = dashboard["__inputs"] as? [[String: Any]] ?? []
        #expect(inputs.first?["pluginId"] as? String == "prometheus")
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(variables.map { $0["name"] as? String ?? "" } == ["datasource", "target", "org"])
        #expect(variables.first?["query"] as? String == "prometheus")
        // Every panel and query uses the datasource variable, so the dashboard works imported or provisioned.
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("DS_PROMETHEUS}"))
        #expect(try Self.dashboardExpressions().count >= 20)
    }

    @Test("every dashboard query returns data from a live exporter; the alert rules load and an alert fires")
    func liveQueries() async throws {
        // Service accounts with secrets relative to now: expired, expiring within 3 and 14 days, later, never used.
        let generator = InventoryGenerator(seed: 31, keysPerOrg: [60, 140], projectsPerOrg: 4, serviceAccountsPerOrg: [10, 9],
                                           secretClock: UInt32(Date().timeIntervalSince1970))
        var inventory = generator.generate()
        // Ten accounts in the first org: two system-managed, one remote MCP configuration (the MCP row).
        // One account whose secrets were never used, for the panel that lists them (the generator's bands vary).
        if !inventory.orgs[0].serviceAccounts.isEmpty {
            inventory.orgs[0].serviceAccounts[0].isSystemManaged = false
            for index in inventory.orgs[0].serviceAccounts[0].secrets.indices {
                inventory.orgs[0].serviceAccounts[0].secrets[index].lastUsed = nil
            }
        }
        // Model API keys in the first org's projects (some never used, several statuses), for the model key row.
        inventory.orgs[0].aiModelKeys = InventoryGenerator.makeAIModelKeys(
            count: 8, projects: inventory.orgs[0].projects, now: UInt32(Date().timeIntervalSince1970), seed: 34)
        var random = SeededGenerator(seed: 32)
        // A second API, as Ops Manager, for the global and agent key panels: one exporter polls both (a config file).
        let opsManager = InventoryGenerator(seed: 33, keysPerOrg: [10], projectsPerOrg: 3, flavor: .opsManager,
                                            globalKeyCount: 4, globalAccessListCount: 2, agentKeysPerProject: 0...2).generate()
        try await withSimulator(opsManager) { _, opsManagerAPI in
        try await withSimulator(inventory) { simulator, running in
            let configFile = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString).yml")
            try Data("""
                targets:
                  - name: atlas
                    base_url: \(running.baseURL())
                    public_key: \(testPublicKey)
                    private_key: ${MONGODB_ATLAS_PRIVATE_KEY}
                  - name: ops-manager
                    base_url: \(opsManagerAPI.baseURL("/api/public/v1.0"))
                    public_key: \(testPublicKey)
                    private_key: ${MONGODB_ATLAS_PRIVATE_KEY}

                """.utf8).write(to: configFile)
            defer { try? FileManager.default.removeItem(at: configFile) }
            let exporter = try ExporterProcess(
                arguments: ["--config.file", configFile.path, "--web.listen-address", "127.0.0.1:0",
                            "--poll.interval", "1s", "--collector.access-list"],
                environment: ["MONGODB_ATLAS_PRIVATE_KEY": testPrivateKey])
            let port = try await exporter.waitForListeningPort()
            let rules = Self.dashboards.appendingPathComponent("alerts.yml").path
            let prometheus = try await offPool {
                try PrometheusServer(scrapeTarget: "127.0.0.1:\(port)", job: "mongodb_apikey_exporter", ruleFiles: [rules])
            }
            defer { prometheus.stop() }

            // Bounded wait for three scrapes, so rates and increases have samples to work with.
            var scrapes = 0.0
            for _ in 0..<300 where scrapes < 3 {
                try await Task.sleep(for: .milliseconds(200))
                let result = try await prometheus.query(#"count_over_time(up{job="mongodb_apikey_exporter"}[1m])"#)
                scrapes = Double(((result.first?["value"] as? [Any])?.last as? String) ?? "0") ?? 0
            }
            #expect(scrapes >= 3)
            // The transient panels show an increase, which needs a sample before it: the brief keys come once
            // Prometheus holds both counters at 0. Earlier, a first poll that ends late (a loaded machine) reads
            // them from the feed's lookback, and the series begins at 1.
            let org = inventory.orgs[0]
            for family in ["mongodb_api_keys_transient_total", "mongodb_ai_model_api_keys_transient_total"] {
                var zero: [[String: Any]] = []
                for _ in 0..<300 where zero.isEmpty {
                    zero = try await prometheus.query(#"\#(family){target="atlas",org_id="\#(org.id)"} == 0"#)
                    if zero.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
                }
                #expect(!zero.isEmpty, "\(family) of \(org.id) never scraped at 0")
            }
            // A key that lives less than a poll interval, for the transient-keys panel: only the activity feed sees it.
            let brief = generator.makeKey(index: 990_001, orgID: org.id, projects: org.projects, using: &random)
            let actor = SimulatedActor.user(userID: "5f0000000000000000000009", username: "mallory@example.com")
            #expect(simulator.createAndDeleteKey(orgID: org.id, key: brief, actor: actor, address: "198.51.100.66") != nil)
            // A model key created and deleted between two listings: only its project's feed sees it.
            var modelRandom = SeededGenerator(seed: 35)
            let briefModelKey = InventoryGenerator.makeAIModelKey(index: 77, projectID: org.projects[0].id,
                                                                  now: UInt32(Date().timeIntervalSince1970), using: &modelRandom)
            let modelEvents = simulator.changeAIModelKeys(orgID: org.id, [.create(briefModelKey), .delete(id: briefModelKey.id)],
                                                          actor: actor)
            #expect(modelEvents.count == 2)

            let groups = try await prometheus.ruleGroups()
            #expect(groups.count == 5)
            for group in groups {
                for rule in group["rules"] as? [[String: Any]] ?? [] {
                    #expect(rule["health"] as? String == "ok", "rule \(rule["name"] ?? "") is \(rule["health"] ?? "")")
                }
            }

            // A range query has data once its series has two samples in the window, which on a loaded machine can be
            // a few scrapes after `up` has three (the first poll may finish late). Each expression gets retries within
            // one shared, bounded deadline; an expression that never returns data still fails the test.
            let deadline = ContinuousClock.now + .seconds(90)
            for expression in try Self.dashboardExpressions() {
                do {
                    var result = try await prometheus.query(expression)
                    while result.isEmpty, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(250))
                        result = try await prometheus.query(expression)
                    }
                    #expect(!result.isEmpty, "no data for \(expression)")
                } catch {
                    Issue.record("\(error)")
                }
            }

            // A key created in the API: the exporter counts it, and Prometheus fires MongoDBAPIKeyAdded.
            simulator.mutate { inventory in
                var random = SeededGenerator(seed: 99)
                let org = inventory.orgs[0]
                inventory.orgs[0].keys.append(generator.makeKey(index: 9999, orgID: org.id, projects: org.projects, using: &random))
            }
            var firing: [[String: Any]] = []
            for _ in 0..<300 where firing.isEmpty {
                try await Task.sleep(for: .milliseconds(200))
                firing = try await prometheus.query(#"ALERTS{alertname="MongoDBAPIKeyAdded",alertstate="firing"}"#)
            }
            #expect((firing.first?["metric"] as? [String: String])?["org_id"] == inventory.orgs[0].id)
            let countAlert = try await prometheus.query(#"ALERTS{alertname="MongoDBAPIKeyRemoved"}"#)
            #expect(countAlert.isEmpty, "nothing was removed")
            #expect(try await exporter.terminate() == 0)
        }
        }
    }
}
