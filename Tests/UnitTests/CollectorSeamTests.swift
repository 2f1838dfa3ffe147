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
            // One attempt per request, so a request must not time out: at the start of a full run on two cores a
            // healthy request once took over the default 10 s.
            let handle = PollerHandle(poller: TestTargets.make(
                running.baseURL(), orgs: .configured(inventory.orgs.map(\.id).sorted()), collectors: collectors,
                retry: RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(1)), timeout: .seconds(60)))
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
        #expect(Set(outcomes.keys) == ["keys", "names", "access_list", "org_settings", "mcp_configs", "ai_model_keys",
                                       "project_feed"])
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

    @Test("the registry: unique names; every producer runs before the collectors that need or read its product")
    func registry() throws {
        let names = CollectorRegistry.all.map { $0.name }
        #expect(Set(names) == ["keys", "names", "access_list", "service_accounts", "org_settings", "activity_feed",
                               "global_keys", "agent_keys", "mcp_configs", "ai_model_keys", "project_feed"])
        #expect(Set(names).count == names.count)
        let nodes = CollectorRegistry.orgCollectors.map(CollectorOrder.node)
        #expect(CollectorOrder.sorted(nodes) != nil, "the declarations form no cycle")
        for (index, node) in nodes.enumerated() {
            for later in nodes[(index + 1)...] {
                #expect(later.produces.isDisjoint(with: node.uses), "\(later.name) produces what \(node.name), before it, uses")
            }
        }
        let keys = try #require(CollectorRegistry.orgCollectors.first { $0.name == "keys" })
        #expect(keys.produces.contains(.keyInventory) && keys.needs.isEmpty)
        #expect(CollectorRegistry.targetCollectors.map { $0.name } == ["global_keys"])
    }

    @Test("the order follows the declarations, whatever order they are given in; a cycle is refused")
    func ordering() {
        typealias Node = CollectorOrder.Node
        let producer = Node(name: "z_producer", produces: [.projectNames], uses: [])
        let reader = Node(name: "a_reader", produces: [], uses: [.projectNames])
        let free = Node(name: "m_free", produces: [], uses: [])
        let expected = ["m_free", "z_producer", "a_reader"]
        for permutation in [[producer, reader, free], [reader, free, producer], [free, reader, producer]] {
            #expect(CollectorOrder.sorted(permutation)?.map(\.name) == expected)
        }
        let first = Node(name: "first", produces: [.keyInventory], uses: [.credentialKinds])
        let second = Node(name: "second", produces: [.credentialKinds], uses: [.keyInventory])
        #expect(CollectorOrder.sorted([first, second, free]) == nil)
    }

    @Test("no collector reads a product of the seam it does not declare (its folder's sources, read as text)")
    func undeclaredUse() throws {
        // The accessors through which each product is read or written.
        let accessors: [SeamProduct: [String]] = [
            .keyInventory: [".lastGood", ".lastPollSucceeded"],
            .projectNames: [".projectNames"],
            .credentialKinds: [".inventoried"],
            .aiModelKeyTally: [".aiModelKeyTally"],
        ]
        let folders = Repository.root.appendingPathComponent("Sources/APIKeyExporter/Collectors")
        var checked = 0
        for collector in CollectorRegistry.orgCollectors {
            let folder = try #require(try FileManager.default.contentsOfDirectory(at: folders, includingPropertiesForKeys: nil)
                .first { folder in
                    let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
                    return files.contains { file in
                        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").contains("static let name = \"\(collector.name)\"")
                    }
                }, "the folder of \(collector.name)")
            let text = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "swift" }
                .map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
            let declared = collector.produces.union(collector.needs).union(collector.reads)
            for (product, names) in accessors where !declared.contains(product) {
                for accessor in names {
                    #expect(!text.contains(accessor + " ") && !text.contains(accessor + "?") && !text.contains(accessor + "."),
                            "\(collector.name) uses \(accessor) (\(product.rawValue)) without declaring it")
                }
            }
            checked += 1
        }
        #expect(checked == CollectorRegistry.orgCollectors.count && checked >= 7)
    }
}
