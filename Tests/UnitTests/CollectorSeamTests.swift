@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The collector seam: each collector's success and duration per target, dependencies, and one registry.
@Suite("Collectors: success per collector, dependencies, registry")
struct CollectorSeamTests {
    static func outcomes(faults: SimulatorFaults) async throws -> [String: CollectorOutcome] {
        let inventory = InventoryGenerator(seed: 121, keysPerOrg: [12, 5]).generate()
        return try await withSimulator(inventory) { simulator, running in
            simulator.faults = faults
            let collectors = CollectorOptions(accessLists: true, accessListConcurrency: 2, orgConcurrency: 2, serviceAccounts: false, activityFeed: false)
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured(inventory.orgs.map(\.id).sorted()), collectors: collectors,
                retry: RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(1))))
            let (_, state) = try await handle.poll()
            let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
            for (name, outcome) in state.collectorOutcomes {
                #expect(text.contains("mongodb_apikey_exporter_collector_duration_seconds{target=\"default\",collector=\"\(name)\"} "))
                for org in state.orgs.values {
                    let succeeded = org.collectorOutcomes[name]?.succeeded == true
                    #expect(text.contains("mongodb_apikey_exporter_collector_success{target=\"default\",collector=\"\(name)\","
                                          + "org_id=\"\(org.orgID)\"} " + (succeeded ? "1" : "0")))
                    #expect(!outcome.succeeded || succeeded, "the target's summary fails when an org's run does")
                    #expect(text.contains("mongodb_apikey_exporter_collector_errors_total{target=\"default\",collector=\"\(name)\","
                                          + "org_id=\"\(org.orgID)\",reason=\"http_5xx\"} "))
                }
            }
            return state.collectorOutcomes
        }
    }

    @Test("all collectors succeed on a healthy API, each with its time")
    func healthy() async throws {
        let outcomes = try await Self.outcomes(faults: SimulatorFaults())
        #expect(Set(outcomes.keys) == ["keys", "names", "access_list", "org_settings"])
        #expect(outcomes.values.allSatisfy { $0.succeeded })
        #expect(outcomes["keys"].map { $0.seconds > 0 } == true)
    }

    @Test("a failed key listing fails the collectors that depend on it, without running them")
    func keysFail() async throws {
        var faults = SimulatorFaults()
        faults.statusForPathSuffix = ["/apiKeys": 500]
        let outcomes = try await Self.outcomes(faults: faults)
        #expect(outcomes["keys"]?.succeeded == false)
        #expect(outcomes["names"]?.succeeded == false)
        #expect(outcomes["access_list"]?.succeeded == false)
        #expect(outcomes["access_list"]?.seconds == 0, "it did not run")
    }

    @Test("a failed names lookup fails names only")
    func namesFail() async throws {
        var faults = SimulatorFaults()
        faults.statusForPathSuffix = ["/groups": 500]
        let outcomes = try await Self.outcomes(faults: faults)
        #expect(outcomes["keys"]?.succeeded == true)
        #expect(outcomes["names"]?.succeeded == false)
        #expect(outcomes["access_list"]?.succeeded == true)
    }

    @Test("the registry: unique names, the key listing first, every collector that reads it after it")
    func registry() {
        let names = CollectorRegistry.all.map { $0.name }
        #expect(names == ["keys", "names", "access_list", "service_accounts", "org_settings", "activity_feed", "global_keys",
                          "agent_keys"])
        #expect(Set(names).count == names.count)
        let orgCollectors = CollectorRegistry.orgCollectors
        #expect(orgCollectors.first?.name == "keys" && orgCollectors.first?.needsCurrentInventory == false)
        #expect(CollectorRegistry.targetCollectors.map { $0.name } == ["global_keys"])
    }
}
