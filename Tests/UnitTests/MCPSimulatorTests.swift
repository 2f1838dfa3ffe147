import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// System-managed accounts, project access lists, remote MCP configurations, delegation settings and OAuth events
/// against the simulator: every family exact (from the simulator's own inventory and feed) after the first poll,
/// after a round of changes and a poll later; Ops Manager gets no request to these paths.
@Suite("Remote MCP and delegated access against the simulator")
struct MCPSimulatorTests {
    static let prefixes = ["mongodb_service_accounts", "mongodb_service_account_info", "mongodb_service_account_project_access_list",
                           "mongodb_mcp_", "mongodb_org_delegated", "mongodb_org_refresh_token", "mongodb_org_oauth_events_total"]

    /// Each sample as `name{label=value,...} value`, labels sorted, of the families above.
    static func lines(_ state: TargetState) throws -> Set<String> {
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        return Set(try ExpositionParser.parse(text).filter { sample in
            prefixes.contains { sample.name.hasPrefix($0) } && !sample.name.hasSuffix("_created")
                && sample.name != "mongodb_service_accounts_by_org_role" && sample.name != "mongodb_service_accounts_by_project_role"
        }.map { line($0.name, $0.labels, $0.value) })
    }

    static func line(_ name: String, _ labels: [String: String], _ value: Double) -> String {
        name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "} " + String(value)
    }

    static func time(_ seconds: UInt32, _ milliseconds: UInt16?) -> Double {
        Double(seconds) + Double(milliseconds ?? 0) / 1000
    }

    /// What the families must say, from the inventory, the MCP change counts and the OAuth counts by org.
    static func expected(_ inventory: SimulatedInventory, changes: [String: [String: Int]],
                         oauth: [String: [String: Int]]) -> Set<String> {
        var lines: Set<String> = []
        for org in inventory.orgs {
            let base = ["target": "default", "org_id": org.id]
            let managed = org.serviceAccounts.filter(\.isSystemManaged).count
            lines.insert(line("mongodb_service_accounts", base.merging(["system_managed": "true"]) { $1 }, Double(managed)))
            lines.insert(line("mongodb_service_accounts", base.merging(["system_managed": "false"]) { $1 },
                              Double(org.serviceAccounts.count - managed)))
            for account in org.serviceAccounts {
                lines.insert(line("mongodb_service_account_info", base.merging([
                    "client_id": account.clientID, "name": account.name, "description": account.description,
                    "system_managed": account.isSystemManaged ? "true" : "false"]) { $1 }, 1))
                for projectID in account.projectIDs {
                    let entries = account.projectAccessLists[projectID] ?? []
                    let labels = base.merging(["project_id": projectID, "client_id": account.clientID]) { $1 }
                    lines.insert(line("mongodb_service_account_project_access_list_entries", labels, Double(entries.count)))
                    if entries.contains(where: { $0.lastUsed != nil }) {
                        lines.insert(line("mongodb_service_account_project_access_list_requests", labels,
                                          Double(entries.reduce(0) { $0 + ($1.lastUsed == nil ? 0 : $1.servedRequestCount) })))
                    }
                }
            }
            var counts: [String: Int] = ["": 0]
            for config in org.mcpConfigs {
                counts[config.projectID ?? "", default: 0] += 1
                let labels = base.merging(["project_id": config.projectID ?? "", "mcp_config_id": config.id]) { $1 }
                lines.insert(line("mongodb_mcp_config_info", labels.merging([
                    "name": config.name, "client_id": config.clientID, "egress_client_id": config.egressClientID]) { $1 }, 1))
                for role in Set(config.roles) { lines.insert(line("mongodb_mcp_config_role_info", labels.merging(["role": role]) { $1 }, 1)) }
                lines.insert(line("mongodb_mcp_config_access_list_entries", labels, Double(config.accessList.count)))
                for secret in config.secrets {
                    let secretLabels = labels.merging(["secret_id": secret.id]) { $1 }
                    lines.insert(line("mongodb_mcp_config_secret_created_timestamp_seconds", secretLabels,
                                      time(secret.created, secret.milliseconds)))
                    lines.insert(line("mongodb_mcp_config_secret_expiry_timestamp_seconds", secretLabels,
                                      time(secret.expires, secret.milliseconds)))
                    if let used = secret.lastUsed {
                        lines.insert(line("mongodb_mcp_config_secret_last_used_timestamp_seconds", secretLabels,
                                          time(used, secret.milliseconds)))
                    }
                }
            }
            for (projectID, count) in counts {
                lines.insert(line("mongodb_mcp_configs", base.merging(["project_id": projectID]) { $1 }, Double(count)))
            }
            for change in ["added", "removed", "roles_changed", "secret_added", "secret_removed"] {
                lines.insert(line("mongodb_mcp_config_changes_total", base.merging(["change": change]) { $1 },
                                  Double(changes[org.id]?[change] ?? 0)))
            }
            for access in ["DISALLOWED", "READ_ONLY", "READ_WRITE"] {
                lines.insert(line("mongodb_org_delegated_mcp_access", base.merging(["access": access]) { $1 },
                                  org.delegation.delegatedMcpAccess == access ? 1 : 0))
            }
            for access in ["DISALLOWED", "READ_WRITE"] {
                lines.insert(line("mongodb_org_delegated_partner_access", base.merging(["access": access]) { $1 },
                                  org.delegation.delegatedPartnerAccess == access ? 1 : 0))
            }
            if let idle = org.delegation.idleRefreshTokenLifetime {
                lines.insert(line("mongodb_org_refresh_token_idle_lifetime_seconds", base, Double(idle)))
            }
            if let maximum = org.delegation.maximumRefreshTokenLifetime {
                lines.insert(line("mongodb_org_refresh_token_max_lifetime_seconds", base, Double(maximum)))
            }
            for type in oauthTypes {
                lines.insert(line("mongodb_org_oauth_events_total", base.merging(["event_type": type]) { $1 },
                                  Double(oauth[org.id]?[type] ?? 0)))
            }
        }
        return lines
    }

    static let oauthTypes = [
        "OAUTH_CLIENT_CREATED", "OAUTH_CLIENT_UPDATED", "OAUTH_CLIENT_DELETED", "OAUTH_CLIENT_SECRET_CREATED",
        "OAUTH_CLIENT_SECRET_DELETED", "OAUTH_AUTHORIZATION_GRANTED", "OAUTH_AUTHORIZATION_DENIED", "OAUTH_TOKEN_ISSUED",
        "OAUTH_TOKEN_REVOKED", "OAUTH_USER_CONSENT_GRANTED", "OAUTH_USER_CONSENT_REVOKED",
    ]

    static func expectSame(_ got: Set<String>, _ want: Set<String>, _ step: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.subtracting(want).isEmpty, "\(step), unexpected: \(got.subtracting(want).sorted())", sourceLocation: sourceLocation)
        #expect(want.subtracting(got).isEmpty, "\(step), missing: \(want.subtracting(got).sorted())", sourceLocation: sourceLocation)
    }

    @Test("every family is exact after the first poll, after a round and a poll later; no masked secret comes out")
    func round() async throws {
        let now = UInt32(Date().timeIntervalSince1970)
        // 20 accounts: four system-managed (every fifth), two MCP configurations (the org's and a project's).
        let inventory = InventoryGenerator(seed: 29, keysPerOrg: [4, 3], projectsPerOrg: 2, serviceAccountsPerOrg: [20, 5],
                                           secretClock: now).generate()
        try #require(inventory.orgs[0].mcpConfigs.count == 2 && inventory.orgs[0].mcpConfigs.contains { $0.projectID != nil })
        try await withSimulator(inventory) { simulator, running in
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured(inventory.orgs.map(\.id).sorted()), sink: sink,
                collectors: CollectorOptions(accessLists: true, serviceAccounts: true, activityFeed: true, orgSettings: true,
                                             mcpConfigs: true)))
            let (ok, first) = try await handle.poll()
            #expect(ok)
            Self.expectSame(try Self.lines(first), Self.expected(simulator.mutate { $0 }, changes: [:], oauth: [:]), "first poll")

            let org = inventory.orgs[0]
            let actor = SimulatedActor.user(userID: "5f1e0a000000000000000a01", username: "alice@example.com")
            for type in ["OAUTH_CLIENT_CREATED", "OAUTH_TOKEN_ISSUED", "OAUTH_TOKEN_ISSUED"] {
                simulator.recordEvent(orgID: org.id, type: type, actor: actor, address: "203.0.113.7")
            }
            simulator.mutate { inventory in
                var configs = inventory.orgs[0].mcpConfigs
                let removed = configs.firstIndex { $0.projectID == nil }.map { configs.remove(at: $0) }
                let projectIndex = configs.firstIndex { $0.projectID != nil } ?? 0
                configs[projectIndex].roles.append("GROUP_CLUSTER_MANAGER")
                configs[projectIndex].secrets.append(SimulatedSecret(id: "65f1c0a1b2c3d4e5f6a7e099", created: now, expires: now + 86_400))
                configs.append(SimulatedMCPConfig(
                    id: InventoryGenerator.mcpConfigID(orgIndex: 0, index: 99), name: "night \"ops\" agents",
                    clientID: removed?.clientID ?? "", egressClientID: removed?.egressClientID ?? "", roles: ["ORG_READ_ONLY"],
                    secrets: [SimulatedSecret(id: "65f1c0a1b2c3d4e5f6a7e098", created: now, expires: now + 3_600, milliseconds: 250)]))
                inventory.orgs[0].mcpConfigs = configs
                inventory.orgs[0].delegation.delegatedMcpAccess = "READ_WRITE"
                inventory.orgs[0].delegation.delegatedPartnerAccess = "READ_WRITE"
                if let index = inventory.orgs[0].serviceAccounts.firstIndex(where: { !$0.projectAccessLists.isEmpty }),
                   let projectID = inventory.orgs[0].serviceAccounts[index].projectAccessLists.keys.first {
                    inventory.orgs[0].serviceAccounts[index].projectAccessLists[projectID] = [
                        SimulatedAccessEntry(address: "192.0.2.0/24", created: now - 60, lastUsed: now, requestCount: 42,
                                             lastUsedAddress: "192.0.2.9")]
                }
            }
            let changes = [org.id: ["added": 1, "removed": 1, "roles_changed": 1, "secret_added": 1]]
            let oauth = [org.id: ["OAUTH_CLIENT_CREATED": 1, "OAUTH_TOKEN_ISSUED": 2]]
            for step in ["after the round", "a poll later"] {
                let (ok, state) = try await handle.poll()
                #expect(ok)
                #expect(state.requestsByCode["406"] == nil, "a request went out without its media type")
                Self.expectSame(try Self.lines(state), Self.expected(simulator.mutate { $0 }, changes: changes, oauth: oauth), step)
                let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
                #expect(!text.contains("mdb_sa_sk_") && !sink.captured.joined().contains("mdb_sa_sk_"))
            }
            #expect(sink.captured.filter { $0.contains("setting=delegatedMcpAccess") }.count == 1)
            #expect(simulator.stats.mcpConfigRequests > 0 && simulator.stats.delegationSettingsRequests > 0)
        }
    }

    @Test("404 on delegation settings alone: that part off once, the settings unaffected; 404 on MCP everywhere: unsupported")
    func notFound() async throws {
        let inventory = InventoryGenerator(seed: 5, keysPerOrg: [3, 2], projectsPerOrg: 1, serviceAccountsPerOrg: [10, 2],
                                           secretClock: UInt32(Date().timeIntervalSince1970)).generate()
        try await withSimulator(inventory) { simulator, running in
            simulator.faults.delegationSettingsNotFound = true
            simulator.faults.mcpConfigsNotFound = true
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured(inventory.orgs.map(\.id).sorted()), sink: sink,
                collectors: CollectorOptions(orgSettings: true, mcpConfigs: nil)))
            _ = try await handle.poll()
            // In the first cycle each org may have asked before another's answer turned the part off; never after.
            let asked = (simulator.stats.delegationSettingsRequests, simulator.stats.mcpConfigRequests)
            #expect((1...2).contains(asked.0) && (1...2).contains(asked.1), "\(asked)")
            _ = try await handle.poll()
            let (ok, state) = try await handle.poll()
            #expect(ok)
            #expect(state.orgs.values.allSatisfy { $0.collectorOutcomes["org_settings"]?.succeeded == true })
            #expect(state.collectorOutcomes["mcp_configs"] == nil, "unsupported: no outcome, no series")
            let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
            #expect(text.contains("mongodb_org_api_access_list_required{"))
            #expect(!text.contains("mongodb_org_delegated_mcp_access{") && !text.contains("mongodb_mcp_configs{"))
            #expect(sink.captured.filter { $0.contains("no delegation settings") }.count == 1)
            #expect(sink.captured.filter { $0.contains("no remote MCP configurations") }.count == 1)
            #expect(!sink.captured.contains { $0.contains("level=error") })
            #expect(simulator.stats.delegationSettingsRequests == asked.0 && simulator.stats.mcpConfigRequests == asked.1,
                    "not asked again")
        }
    }

    @Test("a 403 on the MCP listings fails mcp_configs for each org, every cycle; the other collectors are unaffected")
    func refused() async throws {
        let inventory = InventoryGenerator(seed: 8, keysPerOrg: [3, 2], projectsPerOrg: 1).generate()
        try await withSimulator(inventory) { simulator, running in
            simulator.faults.statusForPathSuffix = ["/mcpConfigs": 403]
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured(inventory.orgs.map(\.id).sorted()),
                collectors: CollectorOptions(activityFeed: false, orgSettings: true, mcpConfigs: true)))
            for _ in 0..<2 {
                let (ok, state) = try await handle.poll()
                #expect(ok, "the key inventory is unaffected")
                #expect(state.orgs.values.allSatisfy {
                    $0.collectorOutcomes["mcp_configs"]?.succeeded == false && $0.collectorOutcomes["org_settings"]?.succeeded == true
                })
            }
            #expect(simulator.stats.recentPaths.filter { $0.hasSuffix("/mcpConfigs") }.count >= 4, "asked again: not unsupported")
        }
    }

    @Test("a setting changed while the exporter was down is logged once after the restart (--storage.path)")
    func changedWhileDown() async throws {
        let inventory = InventoryGenerator(seed: 6, keysPerOrg: [3], projectsPerOrg: 1).generate()
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: storage) }
        var collectors = CollectorOptions(activityFeed: false, orgSettings: true, mcpConfigs: false)
        collectors.storagePath = storage.path
        try await withSimulator(inventory) { simulator, running in
            let orgs = OrgSelection.configured(inventory.orgs.map(\.id))
            _ = try await PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: orgs, collectors: collectors)).poll()
            simulator.mutate { inventory in
                inventory.orgs[0].delegation.delegatedMcpAccess = "READ_WRITE"
                inventory.orgs[0].settings.securityContact = ""
            }
            let sink = LogSink.capturing()
            let restarted = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: orgs, sink: sink, collectors: collectors))
            for _ in 0..<2 { _ = try await restarted.poll() }
            let changes = sink.captured.filter { $0.contains("msg=\"org setting change\"") }
            #expect(changes.count == 2, "\(changes)")
            #expect(changes.contains { $0.contains("setting=delegatedMcpAccess") && $0.contains("after=READ_WRITE") })
            #expect(changes.contains { $0.contains("setting=securityContact") && $0.contains("before=defined") && $0.contains("after=empty") })
            #expect(!sink.captured.joined().contains("@example.com"), "the contact's address is never logged")
        }
    }

    @Test("Ops Manager: no request to the MCP, delegation or service-account paths")
    func opsManagerAsksNothing() async throws {
        let inventory = InventoryGenerator(seed: 3, keysPerOrg: [3], projectsPerOrg: 1, flavor: .opsManager).generate()
        try await withSimulator(inventory) { simulator, running in
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL("/api/public/v1.0"), orgs: .configured(inventory.orgs.map(\.id)),
                collectors: CollectorOptions(activityFeed: true)))
            let (ok, _) = try await handle.poll()
            _ = try await handle.poll()
            #expect(ok)
            #expect(simulator.stats.mcpConfigRequests == 0)
            #expect(simulator.stats.delegationSettingsRequests == 0)
            #expect(simulator.stats.serviceAccountRequests == 0)
        }
    }
}
