import APIKeyExporter
import AtlasSimulator
import Foundation
import Logging
import TestSupport
import Testing

@Suite("Change detection by key identity")
struct ChangeDetectionTests {
    typealias Counts = [ChangeKind: Int]

    static func zeroCounts() -> Counts {
        Dictionary(uniqueKeysWithValues: ChangeKind.allCases.map { ($0, 0) })
    }

    /// Applies `count` random mutations to one org, each to a different key, and returns the changes they must
    /// produce. A swap (one key removed, another added) is one mutation that leaves every count as it was.
    static func mutate(_ simulator: AtlasSimulator, orgIndex: Int, count: Int, random: inout SeededGenerator,
                       generator: InventoryGenerator, nextIndex: inout Int) -> Counts {
        var expected = zeroCounts()
        simulator.mutate { inventory in
            var org = inventory.orgs[orgIndex]
            var touched = Set<String>()
            func untouchedIndex() -> Int? {
                let candidates = org.keys.indices.filter { !touched.contains(org.keys[$0].id) }
                return candidates.randomElement(using: &random)
            }
            func newKey() -> SimulatedKey {
                nextIndex += 1
                let key = generator.makeKey(index: nextIndex, orgID: org.id, projects: org.projects, using: &random)
                touched.insert(key.id)
                return key
            }
            for _ in 0..<count {
                switch Int.random(in: 0..<5, using: &random) {
                case 0:
                    org.keys.append(newKey())
                    expected[.added]! += 1
                case 1:
                    guard let index = untouchedIndex() else { fallthrough }
                    touched.insert(org.keys.remove(at: index).id)
                    expected[.removed]! += 1
                case 2:
                    guard let index = untouchedIndex() else { fallthrough }
                    touched.insert(org.keys[index].id)
                    let project = org.projects.randomElement(using: &random)!
                    // A role the key does not hold yet, so the set of roles really changes.
                    let extra = SimulatedRole.project(project.id, "GROUP_SEARCH_INDEX_EDITOR_\(nextIndex)")
                    nextIndex += 1
                    org.keys[index].roles.append(extra)
                    expected[.rolesChanged]! += 1
                case 3:
                    guard let index = untouchedIndex() else { fallthrough }
                    touched.insert(org.keys.remove(at: index).id)
                    org.keys.insert(newKey(), at: Int.random(in: 0...org.keys.count, using: &random))
                    expected[.added]! += 1
                    expected[.removed]! += 1
                default:
                    guard let index = untouchedIndex() else {
                        org.keys.append(newKey())
                        expected[.added]! += 1
                        continue
                    }
                    touched.insert(org.keys[index].id)
                    org.keys[index].desc += " (edited \(nextIndex))"
                    nextIndex += 1
                    expected[.descriptionChanged]! += 1
                }
            }
            inventory.orgs[orgIndex] = org
        }
        return expected
    }

    @Test("100 random mutations between polls are counted exactly")
    func randomizedMutations() async throws {
        let generator = InventoryGenerator(seed: 11, keysPerOrg: [40, 520], projectsPerOrg: 4)
        let inventory = generator.generate()
        try await withSimulator(inventory) { simulator, running in
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .discover, sink: sink))
            let (baselineOK, baseline) = try await handle.poll()
            #expect(baselineOK)
            for org in inventory.orgs {
                #expect(baseline.orgs[org.id]?.keyChanges.counts == Self.zeroCounts(), "the first poll is only a baseline")
            }

            var random = SeededGenerator(seed: 2024)
            var nextIndex = 10_000
            var expected = [inventory.orgs[0].id: Self.zeroCounts(), inventory.orgs[1].id: Self.zeroCounts()]
            var applied = 0
            var cycles = 0
            while applied < 100 {
                let orgIndex = cycles % 2
                let count = min(100 - applied, Int.random(in: 1...6, using: &random))
                let changes = Self.mutate(simulator, orgIndex: orgIndex, count: count, random: &random,
                                          generator: generator, nextIndex: &nextIndex)
                applied += count
                cycles += 1
                let orgID = inventory.orgs[orgIndex].id
                expected[orgID] = expected[orgID]!.merging(changes, uniquingKeysWith: +)
                let (ok, state) = try await handle.poll()
                #expect(ok)
                for (id, counts) in expected {
                    #expect(state.orgs[id]?.keyChanges.counts == counts, "after \(applied) mutations in \(cycles) cycles")
                }
                // The listing the exporter keeps is the simulator's, key for key.
                let current = simulator.inventory.orgs[orgIndex].keys
                #expect(state.orgs[orgID]?.lastGood?.keys.map(\.id) == current.map(\.id).sorted())
            }
            let totalLogged = sink.captured.filter { $0.contains("msg=\"api key change\"") }.count
            let totalExpected = expected.values.reduce(0) { $0 + $1.values.reduce(0, +) }
            #expect(totalLogged == totalExpected, "one log line per change")
            #expect(!sink.captured.joined().contains(testPrivateKey))

            // The exposition carries the same numbers.
            let (_, state) = try await handle.poll()
            let samples = try ExpositionParser.parse(String(decoding: InventoryRenderer().render([state]), as: UTF8.self))
            for (orgID, counts) in expected {
                for (kind, count) in counts {
                    let sample = samples.first {
                        $0.name == "mongodb_api_key_changes_total" && $0.labels["org_id"] == orgID && $0.labels["change"] == kind.rawValue
                    }
                    #expect(sample?.value == Double(count))
                }
            }
        }
    }

    @Test("an API down for three cycles produces no spurious removals; changes meanwhile count once on recovery")
    func outageThenRecovery() async throws {
        let generator = InventoryGenerator(seed: 12, keysPerOrg: [30])
        let inventory = generator.generate()
        try await withSimulator(inventory) { simulator, running in
            let orgID = inventory.orgs[0].id
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .configured([orgID])))
            _ = try await handle.poll()

            var faults = SimulatorFaults()
            faults.serviceUnavailable = true
            simulator.faults = faults
            var random = SeededGenerator(seed: 3)
            var nextIndex = 500
            var expected = Self.zeroCounts()
            for _ in 0..<3 {
                let (ok, state) = try await handle.poll()
                #expect(!ok)
                #expect(state.orgs[orgID]?.keyChanges.counts == Self.zeroCounts())
                #expect(state.orgs[orgID]?.lastGood?.keys.count == 30)
                expected.merge(Self.mutate(simulator, orgIndex: 0, count: 2, random: &random, generator: generator,
                                           nextIndex: &nextIndex), uniquingKeysWith: +)
            }
            simulator.faults = SimulatorFaults()
            let (ok, recovered) = try await handle.poll()
            #expect(ok)
            #expect(recovered.orgs[orgID]?.keyChanges.counts == expected)
            let (_, again) = try await handle.poll()
            #expect(again.orgs[orgID]?.keyChanges.counts == expected, "nothing is counted twice")
        }
    }

    @Test("a role change only in a stale listing is not counted; a key gone on confirmation counts as removed")
    func confirmation() async throws {
        let inventory = InventoryGenerator(seed: 13, keysPerOrg: [5]).generate()
        try await withSimulator(inventory) { simulator, running in
            let org = inventory.orgs[0]
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .configured([org.id])))
            _ = try await handle.poll()

            var stale = org.keys[0]
            stale.roles = [.org(org.id, "ORG_OWNER"), .org(org.id, "ORG_BILLING_ADMIN")]
            var faults = SimulatorFaults()
            faults.staleListing = [stale.id: stale]
            simulator.faults = faults
            let (_, first) = try await handle.poll()
            #expect(first.orgs[org.id]?.keyChanges.counts == Self.zeroCounts())
            #expect(simulator.stats.singleKeyRequests == 1)
            let kept = first.orgs[org.id]?.lastGood?.keys.first { $0.id == stale.id }
            #expect(kept?.roles.count == org.keys[0].roles.count, "the confirmed key replaces the stale listing")

            faults.hiddenFromGetOne = [stale.id]
            simulator.faults = faults
            let (_, second) = try await handle.poll()
            var expected = Self.zeroCounts()
            expected[.removed] = 1
            #expect(second.orgs[org.id]?.keyChanges.counts == expected)
            #expect(second.orgs[org.id]?.lastGood?.keys.contains { $0.id == stale.id } == false)
        }
    }

    @Test("key age comes from the ObjectId of the documentation's example keys")
    func keyAge() throws {
        let expected = try Date("2019-01-22T17:17:39Z", strategy: .iso8601).timeIntervalSince1970
        #expect(ObjectIDTimestamp.seconds("5c47503320eef5699e1cce8d") == expected)
        #expect(ObjectIDTimestamp.seconds("5c47503880eef5662e1cce8d") == expected + 5)
        #expect(ObjectIDTimestamp.seconds("5C47503320EEF5699E1CCE8D") == expected)
        #expect(ObjectIDTimestamp.seconds("not-an-object-id") == nil)
        #expect(ObjectIDTimestamp.seconds("5c47503320eef5699e1cce8") == nil)
        #expect(ObjectIDTimestamp.seconds("5c47503320eef5699e1cce8z") == nil)
    }

    @Test("per-key roles, names and change counters render and pass promtool; a bad id is skipped")
    func newFamiliesRender() async throws {
        var keys = SampleKeys.keys
        keys.append(APIKey(id: "legacy-key", publicKey: "eeee", desc: "odd id", roles: []))
        var org = OrgStatus(orgID: "5980cfc70b6d97029d82e3f6", orgName: "Docs \"Org\"")
        org.projectNames = [SampleKeys.projectA: "Project A", SampleKeys.projectB: "B\\2"]
        org.recordSuccess(OrgSnapshot(orgID: org.orgID, keys: Array(keys.dropLast(2)), completedAt: 1), changes: [])
        let snapshot = OrgSnapshot(orgID: org.orgID, keys: keys, completedAt: 2)
        org.recordSuccess(snapshot, changes: InventoryDiff.changes(from: org.lastGood!.keys, to: keys))
        var state = TargetState(name: "default")
        state.orgs[org.orgID] = org
        let bytes = InventoryRenderer().render([state])
        let check = try await promtoolCheckMetrics(bytes)
        #expect(check.status == 0 && check.output.isEmpty, "\(check.output)")
        let samples = try ExpositionParser.parse(String(decoding: bytes, as: UTF8.self))
        func values(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
        #expect(values("mongodb_api_key_changes_total").map(\.labels["change"]!).sorted()
                == ["added", "description_changed", "removed", "roles_changed"])
        #expect(values("mongodb_api_key_changes_total").first { $0.labels["change"] == "added" }?.value == 2)
        #expect(values("mongodb_api_key_created_timestamp_seconds").count == 4, "the non-ObjectId key is skipped")
        #expect(values("mongodb_org_info").first?.labels["org_name"] == "Docs \"Org\"")
        #expect(Set(values("mongodb_project_info").map { $0.labels["project_name"]! }) == ["Project A", "B\\2"])
        let roles = values("mongodb_api_key_role_info").filter { $0.labels["key_id"] == "5c47503320eef5699e1cce8d" }
        #expect(Set(roles.map { "\($0.labels["role"]!)@\($0.labels["project_id"]!)" }) == [
            "ORG_OWNER@", "GROUP_OWNER@\(SampleKeys.projectA)", "GROUP_READ_ONLY@\(SampleKeys.projectA)",
        ])
        let keyInfoOff = String(decoding: InventoryRenderer(options: .init(keyInfo: false)).render([state]), as: UTF8.self)
        #expect(!keyInfoOff.contains("mongodb_api_key_role_info") && !keyInfoOff.contains("mongodb_api_key_created"))
    }
}
