import APIKeyExporter
import AtlasSimulator
import Foundation
import Logging
import TestSupport
import Testing

@Suite("Names and access lists")
struct CollectorTests {
    static func makeTarget(_ baseURL: String, orgs: OrgSelection, accessLists: Bool) -> PollerHandle {
        PollerHandle(poller: TestTargets.make(
            baseURL, orgs: orgs, collectors: CollectorOptions(accessLists: accessLists, accessListConcurrency: 3, serviceAccounts: false, activityFeed: false)))
    }

    @Test("access lists: entries, last use and open keys match the API; a failure keeps them, marked stale")
    func accessLists() async throws {
        let inventory = InventoryGenerator(seed: 21, keysPerOrg: [60]).generate()
        let org = inventory.orgs[0]
        #expect(org.keys.contains { $0.accessList.isEmpty } && org.keys.contains { $0.accessList.count > 1 })
        try await withSimulator(inventory) { simulator, running in
            let handle = Self.makeTarget(running.baseURL(), orgs: .configured([org.id]), accessLists: true)
            let (ok, state) = try await handle.poll()
            #expect(ok)
            #expect(simulator.stats.accessListRequests == 60)
            let lists = try #require(state.orgs[org.id]?.accessLists)
            #expect(lists.lastCollectionSucceeded)
            for key in org.keys {
                let expectedLastUsed = key.accessList.compactMap(\.lastUsed).max().map(Double.init)
                let usage = AccessListUsage(requests: key.accessListRequests, lastUsedAddress: key.lastUsedAddress)
                #expect(lists.summaries[key.id] == AccessListSummary(entries: key.accessList.count, lastUsed: expectedLastUsed,
                                                                      usage: usage))
            }
            let samples = try ExpositionParser.parse(String(decoding: InventoryRenderer().render([state]), as: UTF8.self))
            #expect(samples.first { $0.name == "mongodb_api_keys_without_access_list" }?.value
                    == Double(org.keys.filter { $0.accessList.isEmpty }.count))
            #expect(samples.filter { $0.name == "mongodb_api_key_last_used_timestamp_seconds" }.count
                    == org.keys.filter { $0.accessList.contains { $0.lastUsed != nil } }.count)

            var faults = SimulatorFaults()
            faults.statusForPathSuffix = ["/accessList": 500]
            simulator.faults = faults
            let (ok2, failed) = try await handle.poll()
            #expect(ok2, "an access-list failure does not fail the key poll")
            #expect(failed.orgs[org.id]?.lastPollSucceeded == true)
            #expect(failed.orgs[org.id]?.accessLists?.lastCollectionSucceeded == false)
            #expect(failed.orgs[org.id]?.accessLists?.summaries == lists.summaries)
            let text = String(decoding: InventoryRenderer().render([failed]), as: UTF8.self)
            #expect(text.contains("mongodb_apikey_exporter_collector_success{target=\"default\",collector=\"access_list\",org_id=\"\(org.id)\"} 0"))
        }
    }

    @Test("without the flag no access list is requested")
    func accessListsOff() async throws {
        let inventory = InventoryGenerator(seed: 22, keysPerOrg: [10]).generate()
        try await withSimulator(inventory) { simulator, running in
            let (_, state) = try await Self.makeTarget(running.baseURL(), orgs: .discover, accessLists: false).poll()
            #expect(simulator.stats.accessListRequests == 0)
            // No access-list family (the org settings' `mongodb_org_api_access_list_required` is not one).
            let lines = String(decoding: InventoryRenderer().render([state]), as: UTF8.self).split(separator: "\n")
            #expect(lines.filter { !$0.contains("mongodb_org_api_access_list_required") }.allSatisfy { !$0.contains("access_list") })
        }
    }

    @Test("org and project names come from the API; a names failure keeps them and never blocks the counts")
    func names() async throws {
        let inventory = InventoryGenerator(seed: 23, keysPerOrg: [4, 6], projectsPerOrg: 3).generate()
        try await withSimulator(inventory) { simulator, running in
            // Configured ids: the name comes from GET /orgs/{id}.
            let configured = Self.makeTarget(running.baseURL(), orgs: .configured(inventory.orgs.map(\.id)), accessLists: false)
            let (_, state) = try await configured.poll()
            for org in inventory.orgs {
                #expect(state.orgs[org.id]?.orgName == org.name)
                #expect(state.orgs[org.id]?.projectNames == Dictionary(uniqueKeysWithValues: org.projects.map { ($0.id, $0.name) }))
            }

            var faults = SimulatorFaults()
            faults.statusForPathSuffix = ["/groups": 500]
            simulator.faults = faults
            simulator.mutate { $0.orgs[0].keys.removeLast() }
            let (ok, after) = try await configured.poll()
            #expect(ok)
            #expect(after.orgs[inventory.orgs[0].id]?.lastGood?.keys.count == 3)
            #expect(after.orgs[inventory.orgs[0].id]?.projectNames.count == 3, "names kept")

            // Discovery: the names come with GET /orgs, no extra request per org.
            simulator.faults = SimulatorFaults()
            let discovered = Self.makeTarget(running.baseURL(), orgs: .discover, accessLists: false)
            let (_, viaDiscovery) = try await discovered.poll()
            #expect(viaDiscovery.orgs[inventory.orgs[1].id]?.orgName == inventory.orgs[1].name)
        }
    }
}
