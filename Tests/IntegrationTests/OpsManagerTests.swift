import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// Ops Manager's own credentials (`global_keys`, `agent_keys`): every family matched exactly against the simulator
/// through a randomized run, and against Apache serving the bodies MongoDB's Go client records; when the collectors
/// stay silent; and that nothing masked ever comes out.
@Suite("Ops Manager: global and agent API keys")
struct OpsManagerTests {
    static let prefix = "/api/public/v1.0"
    /// Both collectors on by default (a v1.0 public base URL); the others off, so the requests are only theirs.
    static let collectors = CollectorOptions(orgConcurrency: 2, serviceAccounts: false, activityFeed: false)

    static func render(_ state: TargetState, keyInfo: Bool = true) throws -> [Sample] {
        let text = String(decoding: InventoryRenderer(options: .init(keyInfo: keyInfo)).render([state]), as: UTF8.self)
        return try ExpositionParser.parse(text)
    }

    /// The samples of one family as label sets → value, without the `target` label.
    static func family(_ samples: [Sample], _ name: String) -> [[String: String]: Double] {
        Dictionary(samples.filter { $0.name == name }.map { sample in
            var labels = sample.labels
            labels["target"] = nil
            return (labels, sample.value)
        }, uniquingKeysWith: { first, _ in first })
    }

    /// What every global and agent key family must say about `inventory`, as label sets → value.
    static func expected(_ inventory: SimulatedInventory) -> [String: [[String: String]: Double]] {
        var byRole = Dictionary(uniqueKeysWithValues: GlobalRole.all.map { ([ "role": $0 ], 0.0) })
        var info: [[String: String]: Double] = [:]
        var roleInfo: [[String: String]: Double] = [:]
        var created: [[String: String]: Double] = [:]
        for key in inventory.globalKeys {
            info[["key_id": key.id, "public_key": key.publicKey, "description": key.desc]] = 1
            for role in Set(key.roles) {
                byRole[["role": role], default: 0] += 1
                roleInfo[["key_id": key.id, "role": role]] = 1
            }
            if let seconds = ObjectIDTimestamp.seconds(key.id) { created[["key_id": key.id]] = seconds }
        }
        var entries: [[String: String]: Double] = [:]
        for entry in inventory.globalAccessList {
            entries[["entry_id": entry.id, "cidr_block": entry.cidrBlock, "type": entry.type, "description": entry.description]] = 1
        }
        var agentCounts: [[String: String]: Double] = [:]
        var agentInfo: [[String: String]: Double] = [:]
        var agentCreated: [[String: String]: Double] = [:]
        for org in inventory.orgs {
            for project in org.projects {
                let labels = ["org_id": org.id, "project_id": project.id]
                agentCounts[labels] = Double(project.agentKeys.count)
                for key in project.agentKeys {
                    agentInfo[labels.merging(["key_id": key.id, "description": key.desc, "created_by": key.createdBy]) { $1 }] = 1
                    agentCreated[labels.merging(["key_id": key.id]) { $1 }] = Double(key.createdMilliseconds) / 1000
                }
            }
        }
        return [
            "mongodb_global_api_keys": [[:]: Double(inventory.globalKeys.count)],
            "mongodb_global_api_keys_by_role": byRole,
            "mongodb_global_api_key_info": info,
            "mongodb_global_api_key_role_info": roleInfo,
            "mongodb_global_api_key_created_timestamp_seconds": created,
            "mongodb_global_access_list_entries": [[:]: Double(inventory.globalAccessList.count)],
            "mongodb_global_access_list_entry_info": entries,
            "mongodb_agent_api_keys": agentCounts,
            "mongodb_agent_api_key_info": agentInfo,
            "mongodb_agent_api_key_created_timestamp_seconds": agentCreated,
        ]
    }

    /// The changes consecutive listings show between two inventories, as the counters count them.
    static func changes(from before: SimulatedInventory, to after: SimulatedInventory) -> (global: [String: Int], agent: [String: [String: Int]]) {
        var global: [String: Int] = [:]
        let old = Dictionary(before.globalKeys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(after.globalKeys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (id, key) in new {
            guard let previous = old[id] else { global["added", default: 0] += 1; continue }
            if Set(previous.roles) != Set(key.roles) { global["roles_changed", default: 0] += 1 }
            if previous.desc != key.desc { global["description_changed", default: 0] += 1 }
        }
        global["removed", default: 0] += old.keys.filter { new[$0] == nil }.count
        var agent: [String: [String: Int]] = [:]
        func keys(_ inventory: SimulatedInventory) -> [String: Set<String>] {
            var all: [String: Set<String>] = [:]
            for org in inventory.orgs {
                for project in org.projects {
                    for key in project.agentKeys { all[org.id, default: []].insert(project.id + "/" + key.id) }
                }
            }
            return all
        }
        let (was, now) = (keys(before), keys(after))
        for org in after.orgs {
            agent[org.id, default: [:]]["added", default: 0] += now[org.id, default: []].subtracting(was[org.id, default: []]).count
            agent[org.id, default: [:]]["removed", default: 0] += was[org.id, default: []].subtracting(now[org.id, default: []]).count
        }
        return (global, agent)
    }

    @Test("a randomized run of global and agent key changes: every family matches the simulator exactly, every cycle")
    func randomizedRun() async throws {
        let generator = InventoryGenerator(seed: 2112, keysPerOrg: [12, 7], projectsPerOrg: 3, flavor: .opsManager,
                                           globalKeyCount: 7, globalAccessListCount: 3, agentKeysPerProject: 0...3)
        try await withSimulator(generator.generate()) { simulator, running in
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(Self.prefix), orgs: .discover, sink: sink,
                                                               collectors: Self.collectors))
            let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 2113)
            var globalCounts: [String: Int] = ["added": 0, "removed": 0, "roles_changed": 0, "description_changed": 0]
            var agentCounts: [String: [String: Int]] = [:]
            var previous = simulator.inventory
            var random = SeededGenerator(seed: 2114)
            var kinds = Set<String>()
            for cycle in 0..<12 {
                if cycle > 0 {
                    for _ in 0..<Int.random(in: 1...4, using: &random) {
                        if let change = churn.stepOpsManager() { kinds.insert(change.kind) }
                    }
                }
                let (ok, state) = try await handle.poll()
                #expect(ok, "cycle \(cycle)")
                let current = simulator.inventory
                if cycle > 0 {
                    let (global, agent) = Self.changes(from: previous, to: current)
                    for (kind, count) in global { globalCounts[kind, default: 0] += count }
                    for (org, counts) in agent {
                        for (kind, count) in counts { agentCounts[org, default: ["added": 0, "removed": 0]][kind, default: 0] += count }
                    }
                } else {
                    for org in current.orgs { agentCounts[org.id] = ["added": 0, "removed": 0] }
                }
                previous = current
                let samples = try Self.render(state)
                for (name, expected) in Self.expected(current) {
                    #expect(Self.family(samples, name) == expected, "cycle \(cycle): \(name)")
                }
                #expect(Self.family(samples, "mongodb_global_api_key_changes_total")
                        == Dictionary(uniqueKeysWithValues: globalCounts.map { (["change": $0.key], Double($0.value)) }), "cycle \(cycle)")
                var agentExpected: [[String: String]: Double] = [:]
                for (org, counts) in agentCounts {
                    for (kind, count) in counts { agentExpected[["org_id": org, "change": kind]] = Double(count) }
                }
                #expect(Self.family(samples, "mongodb_agent_api_key_changes_total") == agentExpected, "cycle \(cycle)")
            }
            #expect(kinds.isSuperset(of: ["global_key_added", "global_key_removed", "global_key_roles_changed",
                                          "global_key_description_changed", "agent_key_added", "agent_key_removed"]), "\(kinds)")
            let logged = sink.captured.filter { $0.contains("msg=\"global api key change\"") }.count
            #expect(logged == globalCounts.values.reduce(0, +), "one log line per global key change")
            let agentLogged = sink.captured.filter { $0.contains("msg=\"agent api key change\"") }
            #expect(agentLogged.count == agentCounts.values.flatMap(\.values).reduce(0, +))
            #expect(agentLogged.allSatisfy { $0.contains("created_by=") && $0.contains("created_ip_addr=") })
            for line in sink.captured { #expect(!line.contains("****"), "a masked value was logged: \(line)") }
        }
    }

    @Test("against Apache serving MongoDB's recorded bodies, the families say exactly what the recordings hold",
          arguments: [OpsManagerFixtures.AccessListPath.accessList, .whitelist])
    func recordedBodies(accessList: OpsManagerFixtures.AccessListPath) async throws {
        let apache = try await offPool { try OpsManagerFixtures.start(accessList: accessList) }
        defer { apache.stop() }
        let sink = LogSink.capturing()
        let handle = PollerHandle(poller: TestTargets.make(apache.baseURL + Self.prefix, orgs: .discover, sink: sink,
                                                           collectors: Self.collectors))
        let (ok, state) = try await handle.poll()
        #expect(ok)
        let samples = try Self.render(state)
        let (first, second) = (OpsManagerFixtures.globalKeyIDs[0], OpsManagerFixtures.globalKeyIDs[1])
        #expect(Self.family(samples, "mongodb_global_api_keys") == [[:]: 2])
        #expect(Self.family(samples, "mongodb_global_api_key_info") == [
            ["key_id": first, "public_key": "ewmaqvdo", "description": "test-apikey"]: 1,
            ["key_id": second, "public_key": "ewmaqvde", "description": "test-apikey-2"]: 1])
        #expect(Self.family(samples, "mongodb_global_api_key_role_info") == [
            ["key_id": first, "role": "GLOBAL_OWNER"]: 1, ["key_id": second, "role": "GLOBAL_READ_ONLY"]: 1])
        let byRole = Self.family(samples, "mongodb_global_api_keys_by_role")
        #expect(byRole.count == 6 && byRole[["role": "GLOBAL_OWNER"]] == 1 && byRole[["role": "GLOBAL_READ_ONLY"]] == 1
                && byRole[["role": "GLOBAL_USER_ADMIN"]] == 0)
        #expect(Self.family(samples, "mongodb_global_api_key_created_timestamp_seconds")[["key_id": first]] == 1_548_177_459)
        #expect(Self.family(samples, "mongodb_global_access_list_entry_info") == [[
            "entry_id": OpsManagerFixtures.accessListEntryID, "cidr_block": "172.20.0.1", "type": "GLOBAL_ROLE", "description": "test"]: 1])
        let project = OpsManagerFixtures.agentProjectID
        #expect(Self.family(samples, "mongodb_agent_api_keys") == [
            ["org_id": OpsManagerFixtures.firstOrgID, "project_id": OpsManagerFixtures.recordedProjectID]: 0,
            ["org_id": OpsManagerFixtures.secondOrgID, "project_id": project]: 3])
        let org = OpsManagerFixtures.secondOrgID
        #expect(Self.family(samples, "mongodb_agent_api_key_info") == [
            ["org_id": org, "project_id": project, "key_id": "1", "description": "Agent API Key for this project", "created_by": "PUBLIC_API"]: 1,
            ["org_id": org, "project_id": project, "key_id": "2", "description": "Generated by Provisioning", "created_by": "PROVISIONING"]: 1,
            ["org_id": org, "project_id": project, "key_id": "3", "description": "Initial API Key", "created_by": "USER"]: 1])
        #expect(Self.family(samples, "mongodb_agent_api_key_created_timestamp_seconds")[
            ["org_id": org, "project_id": project, "key_id": "1"]] == 1_520_458_807.291)
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        #expect(!text.contains("db2c132ca78d") && !text.contains("****"), "a masked value was exported")
        let legacyLines = sink.captured.filter { $0.contains("/admin/whitelist") }
        #expect(legacyLines.count == (accessList == .whitelist ? 1 : 0), "\(legacyLines)")
    }

    @Test("an Atlas base URL makes no request to the Ops Manager paths", arguments: ["/api/atlas/v2", "/api/atlas/v1.0"])
    func atlasAsksNothing(prefix: String) async throws {
        let inventory = InventoryGenerator(seed: 5, keysPerOrg: [20, 3], projectsPerOrg: 2).generate()
        try await withSimulator(inventory) { simulator, running in
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(prefix), orgs: .discover,
                                                               collectors: CollectorOptions(serviceAccounts: false)))
            for _ in 0..<2 {
                let (ok, _) = try await handle.poll()
                #expect(ok)
            }
            #expect(simulator.stats.opsManagerPathRequests == 0)
            #expect(simulator.stats.requests > 0)
        }
    }

    @Test("an organization key on Ops Manager: one line saying which role is needed, no failing series; switched on, a failure",
          arguments: [403, 401])
    func organizationKey(status: Int) async throws {
        let inventory = InventoryGenerator(seed: 8, keysPerOrg: [5], projectsPerOrg: 2, flavor: .opsManager, globalKeyCount: 3,
                                           agentKeysPerProject: 1...1).generate()
        try await withSimulator(inventory) { simulator, running in
            simulator.faults.usersWithoutGlobalRole = [testPublicKey]
            simulator.faults.globalRoleRefusalStatus = status
            let sink = LogSink.capturing()
            let byDefault = PollerHandle(poller: TestTargets.make(running.baseURL(Self.prefix), orgs: .discover, sink: sink,
                                                                  collectors: Self.collectors))
            var state = TargetState(name: "default")
            for _ in 0..<3 { state = try await byDefault.poll().1 }
            #expect(state.collectorOutcomes["global_keys"] == nil, "unsupported: no outcome")
            let samples = try Self.render(state)
            #expect(!samples.contains { $0.labels["collector"] == "global_keys" }, "unsupported: no series")
            #expect(!samples.contains { $0.name.hasPrefix("mongodb_global_") })
            #expect(!samples.contains { $0.name == "mongodb_apikey_exporter_collector_success" && $0.value == 0 })
            #expect(Self.family(samples, "mongodb_agent_api_keys").count == 2, "agent keys are read all the same")
            let lines = sink.captured.filter { $0.contains("global_keys") }
            #expect(lines.count == 1 && lines[0].contains("Global Read Only"), "\(lines)")
            let requests = simulator.stats.opsManagerPathRequests

            let explicitSink = LogSink.capturing()
            var on = Self.collectors
            on.globalKeys = true
            let explicit = PollerHandle(poller: TestTargets.make(running.baseURL(Self.prefix), orgs: .discover, sink: explicitSink,
                                                                 collectors: on))
            for _ in 0..<2 {
                let (ok, state) = try await explicit.poll()
                #expect(!ok, "a failing target collector brings the next cycle sooner")
                #expect(state.orgs.values.allSatisfy { $0.lastPollSucceeded }, "the key listings succeed")
                #expect(state.collectorOutcomes["global_keys"]?.succeeded == false)
                let samples = try Self.render(state)
                #expect(Self.family(samples, "mongodb_apikey_exporter_collector_success")[["collector": "global_keys", "org_id": ""]] == 0)
            }
            #expect(explicitSink.captured.filter { $0.contains("global API key read failed") }.count == 2)
            #expect(simulator.stats.opsManagerPathRequests > requests, "asked again every cycle when switched on")
        }
    }

    @Test("global and agent keys restored from --storage.path, then refused: failures that keep them, not \"unsupported\"")
    func refusalAfterRestore() async throws {
        let inventory = InventoryGenerator(seed: 9, keysPerOrg: [4], projectsPerOrg: 1, flavor: .opsManager, globalKeyCount: 3,
                                           agentKeysPerProject: 2...2).generate()
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("global-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: storage) }
        var collectors = Self.collectors
        collectors.storagePath = storage.path
        try await withSimulator(inventory) { simulator, running in
            let first = PollerHandle(poller: TestTargets.make(running.baseURL(Self.prefix), orgs: .discover,
                                                              collectors: collectors))
            let (ok, _) = try await first.poll()
            #expect(ok, "the first run reads the global keys")

            // The next run's credential has lost Global Read Only, and read access to the projects' agent keys.
            simulator.faults.usersWithoutGlobalRole = [testPublicKey]
            simulator.faults.statusForPathSuffix["agentapikeys"] = 403
            let sink = LogSink.capturing()
            let second = PollerHandle(poller: TestTargets.make(running.baseURL(Self.prefix), orgs: .discover, sink: sink,
                                                               collectors: collectors))
            let (secondOK, state) = try await second.poll()
            #expect(!secondOK)
            #expect(state.collectorOutcomes["global_keys"]?.succeeded == false)
            let samples = try Self.render(state)
            #expect(Self.family(samples, "mongodb_apikey_exporter_collector_success")[["collector": "global_keys", "org_id": ""]] == 0)
            #expect(Self.family(samples, "mongodb_global_api_keys").values.reduce(0, +) == 3, "the restored keys are kept")
            #expect(sink.captured.contains { $0.contains("global API key read failed") }, "\(sink.captured)")
            #expect(!sink.captured.contains { $0.contains("Global Read Only") }, "not logged as unsupported")
            let org = inventory.orgs[0].id
            #expect(state.orgs[org]?.collectorHealth["agent_keys"]?.lastOutcome?.succeeded == false)
            #expect(Self.family(samples, "mongodb_apikey_exporter_collector_success")[["collector": "agent_keys", "org_id": org]] == 0)
            #expect(Self.family(samples, "mongodb_agent_api_keys").values.reduce(0, +) == 2, "the restored agent keys are kept")
            #expect(!sink.captured.contains { $0.contains("agent API keys not readable") }, "not logged as unsupported")
        }
    }
}
