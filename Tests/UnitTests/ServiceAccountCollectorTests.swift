import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The service-account collector against the simulator: every family matches the inventory, the versioned media
/// type is on every service-account request (the simulator answers 406 without it), and a randomized run of
/// account mutations and secret rotations is counted exactly.
@Suite("Service accounts against the simulator")
struct ServiceAccountCollectorTests {
    static func samples(_ state: TargetState, _ name: String) throws -> [Sample] {
        try ExpositionParser.parse(String(decoding: InventoryRenderer().render([state]), as: UTF8.self)).filter { $0.name == name }
    }

    /// What the families must say of one org, from the simulator's inventory (system-managed accounts included,
    /// counted apart).
    static func expectMatches(_ state: TargetState, _ org: SimulatedOrg, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let visible = org.serviceAccounts
        let orgLabel = { (sample: Sample) in sample.labels["org_id"] == org.id }
        let counts = try samples(state, "mongodb_service_accounts").filter(orgLabel)
        let managed = visible.filter(\.isSystemManaged).count
        #expect(Dictionary(uniqueKeysWithValues: counts.map { ($0.labels["system_managed"] ?? "", $0.value) })
                == ["true": Double(managed), "false": Double(visible.count - managed)], sourceLocation: sourceLocation)
        let expiries = try samples(state, "mongodb_service_account_secret_expiry_timestamp_seconds").filter(orgLabel)
        var expected: [String: Double] = [:]
        for account in visible {
            for secret in account.secrets {
                expected["\(account.clientID)/\(secret.id)"] = Double(secret.expires) + Double(secret.milliseconds ?? 0) / 1000
            }
        }
        let got = Dictionary(expiries.map { ("\($0.labels["client_id"] ?? "")/\($0.labels["secret_id"] ?? "")", $0.value) },
                             uniquingKeysWith: { first, _ in first })
        #expect(Set(got.keys) == Set(expected.keys), sourceLocation: sourceLocation)
        // Milliseconds kept (to the millisecond: the exposition writes the shortest exact double).
        for (key, value) in expected {
            #expect(abs((got[key] ?? 0) - value) < 0.0005, "\(key): \(got[key] ?? 0) vs \(value)", sourceLocation: sourceLocation)
        }
        var roles: [String: Int] = [:]
        for account in visible { for role in Set(account.orgRoles) { roles[role, default: 0] += 1 } }
        let byRole = try samples(state, "mongodb_service_accounts_by_org_role").filter(orgLabel)
        #expect(Dictionary(uniqueKeysWithValues: byRole.map { ($0.labels["role"] ?? "", Int($0.value)) }) == roles,
                sourceLocation: sourceLocation)
        var projectRoles: [String: Int] = [:]
        for account in visible {
            for (project, names) in account.projectRoles { for role in Set(names) { projectRoles["\(project)/\(role)", default: 0] += 1 } }
        }
        let byProject = try samples(state, "mongodb_service_accounts_by_project_role").filter(orgLabel)
        #expect(Dictionary(uniqueKeysWithValues: byProject.map { ("\($0.labels["project_id"] ?? "")/\($0.labels["role"] ?? "")", Int($0.value)) })
                == projectRoles, sourceLocation: sourceLocation)
    }

    @Test("families match the inventory; the 2024-08-05 media type goes with every service-account request")
    func matchesInventory() async throws {
        let now = UInt32(Date().timeIntervalSince1970)
        let inventory = InventoryGenerator(seed: 131, keysPerOrg: [10, 4], projectsPerOrg: 3, serviceAccountsPerOrg: [9, 4],
                                           secretClock: now).generate()
        try await withSimulator(inventory) { simulator, running in
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured(inventory.orgs.map(\.id).sorted()),
                collectors: CollectorOptions(accessLists: true, serviceAccounts: true, activityFeed: false)))
            _ = try await handle.poll()
            let (ok, state) = try await handle.poll()
            // With --collector.access-list, each account's access list entries.
            let entries = try Self.samples(state, "mongodb_service_account_access_list_entries")
            var expectedEntries: [String: Double] = [:]
            for org in inventory.orgs {
                for account in org.serviceAccounts {
                    expectedEntries[account.clientID] = Double(account.accessList.count)
                }
            }
            #expect(Dictionary(uniqueKeysWithValues: entries.map { ($0.labels["client_id"] ?? "", $0.value) }) == expectedEntries)
            #expect(ok)
            #expect(state.collectorOutcomes["service_accounts"]?.succeeded == true)
            #expect(state.requestsByCode["406"] == nil, "a service-account request went out without its media type")
            #expect(simulator.stats.serviceAccountRequests > 0)
            for org in inventory.orgs { try Self.expectMatches(state, org) }
        }
    }

    @Test("a randomized run of 60 account mutations and secret rotations is counted exactly")
    func randomizedMutations() async throws {
        let now = UInt32(Date().timeIntervalSince1970)
        let generator = InventoryGenerator(seed: 132, keysPerOrg: [5], projectsPerOrg: 3, serviceAccountsPerOrg: [6], secretClock: now)
        let inventory = generator.generate()
        let orgID = inventory.orgs[0].id
        try await withSimulator(inventory) { simulator, running in
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured([orgID]), collectors: CollectorOptions(serviceAccounts: true, activityFeed: false)))
            _ = try await handle.poll()  // the baseline
            var random = SeededGenerator(seed: 133)
            var expected = ["added": 0, "removed": 0, "roles_changed": 0, "secret_added": 0, "secret_removed": 0]
            var next = 500
            for _ in 0..<20 {
                // Up to three changes between two polls, each to a different account.
                var touched: Set<String> = []
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    next += 1
                    let index = next
                    let kind = Int.random(in: 0..<4, using: &random)
                    simulator.mutate { inventory in
                        var org = inventory.orgs[0]
                        let candidates = org.serviceAccounts.indices.filter {
                            !org.serviceAccounts[$0].isSystemManaged && !touched.contains(org.serviceAccounts[$0].clientID)
                        }
                        switch (kind, candidates.randomElement(using: &random)) {
                        case (0, _), (_, nil):
                            var account = generator.makeServiceAccount(index: index, projects: org.projects, now: now, using: &random)
                            account.isSystemManaged = false
                            touched.insert(account.clientID)
                            org.serviceAccounts.append(account)
                            expected["added", default: 0] += 1
                        case (1, let index?):
                            touched.insert(org.serviceAccounts[index].clientID)
                            org.serviceAccounts.remove(at: index)
                            expected["removed", default: 0] += 1
                        case (2, let index?):
                            touched.insert(org.serviceAccounts[index].clientID)
                            let id = String(format: "%024x", 0xabc000 + index * 1000 + next)
                            org.serviceAccounts[index].rotate(to: SimulatedSecret(id: id, created: now, expires: now + 90 * 86_400))
                            expected["secret_added", default: 0] += 1
                        case (_, let index?):
                            touched.insert(org.serviceAccounts[index].clientID)
                            if org.serviceAccounts[index].orgRoles.contains("ORG_OWNER") {
                                org.serviceAccounts[index].orgRoles.removeAll { $0 == "ORG_OWNER" }
                            } else {
                                org.serviceAccounts[index].orgRoles.append("ORG_OWNER")
                            }
                            expected["roles_changed", default: 0] += 1
                        }
                        inventory.orgs[0] = org
                    }
                }
                let (ok, state) = try await handle.poll()
                #expect(ok)
                try Self.expectMatches(state, simulator.inventory.orgs[0])
            }
            let (_, state) = try await handle.poll()
            let counted = try Self.samples(state, "mongodb_service_account_changes_total").reduce(into: [String: Int]()) {
                $0[$1.labels["change"] ?? ""] = Int($1.value)
            }
            #expect(counted == expected)
        }
    }

    @Test("an API without service accounts (Cloud Manager) answers 404: unsupported once, not a failure every cycle")
    func unsupported() async throws {
        let inventory = InventoryGenerator(seed: 134, keysPerOrg: [3], serviceAccountsPerOrg: [2]).generate()
        try await withSimulator(inventory) { simulator, running in
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL("/api/public/v1.0"), orgs: .configured([inventory.orgs[0].id]), sink: sink,
                collectors: CollectorOptions(serviceAccounts: true, activityFeed: false)))
            for _ in 0..<3 { _ = try await handle.poll() }
            let (ok, state) = try await handle.poll()
            #expect(ok)
            #expect(state.collectorOutcomes["service_accounts"] == nil, "unsupported: no outcome, no series")
            #expect(state.orgs.values.allSatisfy { $0.collectorHealth["service_accounts"] == nil })
            #expect(sink.captured.filter { $0.contains("no service accounts") }.count == 1)
            #expect(!sink.captured.contains { $0.contains("level=error") })
            #expect(try Self.samples(state, "mongodb_service_accounts").isEmpty)
            #expect(simulator.stats.serviceAccountRequests == 1, "asked once, then no more")
        }
    }
}
