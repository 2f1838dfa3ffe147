import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The shipped alert rules, end to end: the simulator, the exporter polling it every second, a real Prometheus
/// scraping and evaluating every second with dashboards/alerts.yml. A round of changes (a key added with ORG_OWNER,
/// a key removed, a key's roles changed, a service account added) fires each change alert, naming the organization
/// and the credential as Atlas shows them; nothing fires before the round.
@Suite("Alerts name what changed, end to end")
struct AlertNamesTests {
    static let changeAlerts = ["MongoDBAPIKeyAdded", "MongoDBAPIKeyRemoved", "MongoDBAPIKeyRolesChanged",
                               "MongoDBServiceAccountAdded", "MongoDBServiceAccountRolesChanged", "MongoDBAPIKeyCountChanged"]

    /// `GET /api/v1/alerts`: every pending or firing alert with its labels and rendered annotations.
    static func alerts(_ prometheus: PrometheusServer) async throws -> [[String: Any]] {
        let response = try await httpGet("http://127.0.0.1:\(prometheus.port)/api/v1/alerts")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return ((object?["data"] as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []
    }

    static func name(_ alert: [String: Any]) -> String { (alert["labels"] as? [String: String])?["alertname"] ?? "" }

    @Test("each change alert fires within a few intervals, its summary and description naming the org and credential")
    func changeAlertsNameTheCredential() async throws {
        let generator = InventoryGenerator(seed: 41, keysPerOrg: [8, 5], projectsPerOrg: 2, serviceAccountsPerOrg: [2, 1],
                                           secretClock: UInt32(Date().timeIntervalSince1970))
        var inventory = generator.generate()
        inventory.orgs[0].name = "Payments EU"
        let org = inventory.orgs[0]
        try await withSimulator(inventory) { simulator, running in
            let exporter = try ExporterProcess(
                arguments: ["--atlas.base-url", running.baseURL(), "--web.listen-address", "127.0.0.1:0", "--poll.interval", "1s"],
                environment: ["MONGODB_ATLAS_PUBLIC_KEY": testPublicKey, "MONGODB_ATLAS_PRIVATE_KEY": testPrivateKey])
            let port = try await exporter.waitForListeningPort()
            let rules = Repository.root.appendingPathComponent("dashboards/alerts.yml").path
            let prometheus = try await offPool {
                try PrometheusServer(scrapeTarget: "127.0.0.1:\(port)", job: "mongodb_apikey_exporter", ruleFiles: [rules])
            }
            defer { prometheus.stop() }

            // Before the round: wait (bounded) until Prometheus holds five scrapes of the org's keys and service
            // accounts, so the rules have evaluated over the exporter's start; no change alert, pending or firing.
            let settled = #"min(count_over_time(mongodb_api_key_info[1m]) >= 5) and min(count_over_time(mongodb_service_account_info[1m]) >= 5)"#
            var ready = false
            let start = ContinuousClock.now
            while !ready, ContinuousClock.now - start < .seconds(120) {
                ready = try await !prometheus.query(settled).isEmpty
                if !ready { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(ready, "Prometheus never held five scrapes of the inventory: \(exporter.stderr.suffix(2000))")
            try await Task.sleep(for: .seconds(2))
            let early = try await Self.alerts(prometheus).filter { Self.changeAlerts.contains(Self.name($0)) }
            #expect(early.isEmpty, "change alerts before any change: \(early)")

            // The round.
            let (added, removed, reroled, account) = simulator.mutate { inventory -> (SimulatedKey, SimulatedKey, SimulatedKey, SimulatedServiceAccount) in
                var random = SeededGenerator(seed: 4242)
                var key = generator.makeKey(index: 424_242, orgID: org.id, projects: org.projects, using: &random)
                key.roles = [.org(org.id, "ORG_OWNER")]
                key.desc = "alerts end-to-end owner"
                inventory.orgs[0].keys.append(key)
                let removed = inventory.orgs[0].keys.remove(at: 1)
                let oldRole = inventory.orgs[0].keys[2].roles.first { $0.orgID != nil }?.roleName
                let newRole = oldRole == "ORG_BILLING_ADMIN" ? "ORG_READ_ONLY" : "ORG_BILLING_ADMIN"
                inventory.orgs[0].keys[2].roles = inventory.orgs[0].keys[2].roles.filter { $0.orgID == nil } + [.org(org.id, newRole)]
                let now = UInt32(Date().timeIntervalSince1970)
                let account = SimulatedServiceAccount(
                    clientID: "mdb_sa_id_" + String(repeating: "a1", count: 12), name: "alerts-e2e-deployer", description: "CI",
                    created: now, orgRoles: ["ORG_MEMBER"],
                    secrets: [SimulatedSecret(id: String(repeating: "b2", count: 12), created: now, expires: now + 90 * 86_400)])
                inventory.orgs[0].serviceAccounts.append(account)
                return (key, removed, inventory.orgs[0].keys[2], account)
            }
            let changed = ContinuousClock.now

            // What each alert must name: the org's name, and the credential's public key or name.
            let wanted: [String: String] = [
                "MongoDBAPIKeyAdded": added.publicKey, "MongoDBAPIKeyRemoved": removed.publicKey,
                "MongoDBAPIKeyRolesChanged": reroled.publicKey, "MongoDBServiceAccountAdded": account.name,
            ]
            var firing: [String: [String: Any]] = [:]
            var firedAfter: [String: Duration] = [:]
            while firing.count < wanted.count, ContinuousClock.now - changed < .seconds(90) {
                for alert in try await Self.alerts(prometheus) where alert["state"] as? String == "firing" {
                    let name = Self.name(alert)
                    guard let credential = wanted[name], firing[name] == nil else { continue }
                    let summary = (alert["annotations"] as? [String: String])?["summary"] ?? ""
                    if summary.contains(credential) {
                        firing[name] = alert
                        firedAfter[name] = ContinuousClock.now - changed
                    }
                }
                if firing.count < wanted.count { try await Task.sleep(for: .milliseconds(250)) }
            }
            for (name, credential) in wanted.sorted(by: { $0.key < $1.key }) {
                guard let alert = firing[name] else {
                    let seen = try await Self.alerts(prometheus).filter { Self.name($0) == name }
                    Issue.record("\(name) naming \(credential) never fired; seen: \(seen)")
                    continue
                }
                let annotations = alert["annotations"] as? [String: String] ?? [:]
                for field in ["summary", "description"] {
                    let text = annotations[field] ?? ""
                    #expect(text.contains("Payments EU") && text.contains(credential), "\(name) \(field): \(text)")
                    #expect(!text.contains("<no value>"), "\(name) \(field): \(text)")
                }
                #expect(annotations["runbook_url"] == "docs/runbooks.md#\(name.lowercased())")
                #expect((alert["labels"] as? [String: String])?["org_name"] == "Payments EU")
                // Poll (1 s) + scrape (1 s) + evaluation (1 s) is the nominal bound; 30 s leaves room for a loaded
                // machine while still failing an alert that waits for a later window or a second change.
                #expect(firedAfter[name].map { $0 < .seconds(30) } ?? false, "\(name) fired after \(firedAfter[name] ?? .zero)")
            }
            // The re-roled key's description lists its roles before and now.
            let roles = (firing["MongoDBAPIKeyRolesChanged"]?["annotations"] as? [String: String])?["description"] ?? ""
            let newRole = reroled.roles.first { $0.orgID != nil }?.roleName ?? "?"
            #expect(roles.contains("Before: ") && roles.contains("Now: ") && roles.contains(newRole), "\(roles)")
            #expect(try await exporter.terminate() == 0)
        }
    }
}
