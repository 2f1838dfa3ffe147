import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The simulator's security posture, read over HTTP with Digest: org settings (fields left out, 404 and 403),
/// access-list usage, the new event types with their delegate principals, and the generator and churn behind them.
@Suite("Simulator: org settings, access-list usage and org security events")
struct SimulatorPostureTests {
    typealias Get = SimulatorRawGet
    static let clock: UInt64 = 1_800_000_000_000
    static let generator = InventoryGenerator(seed: 17, keysPerOrg: [12, 9, 7, 4], projectsPerOrg: 3,
                                              serviceAccountsPerOrg: [5, 4, 3, 2], secretClock: 1_800_000_000)

    /// A simulator on `inventory` with a fixed event clock, serving until `body` returns.
    static func serving(_ inventory: SimulatedInventory,
                        _ body: (AtlasSimulator, RunningSimulator) async throws -> Void) async throws {
        let simulator = AtlasSimulator(inventory: inventory, users: [testPublicKey: testPrivateKey], eventClock: { clock })
        let running = try await simulator.start()
        do { try await body(simulator, running) } catch {
            await running.stop()
            throw error
        }
        await running.stop()
    }

    /// The settings body as the simulator's accessor says it should be: exactly the fields served.
    static func expectBody(_ body: [String: Any], _ settings: SimulatedOrgSettings) {
        #expect(body.keys.sorted() == settings.servedFields)
        #expect(body["apiAccessListRequired"] as? Bool == settings.apiAccessListRequired)
        #expect(body["multiFactorAuthRequired"] as? Bool == settings.multiFactorAuthRequired)
        #expect(body["restrictEmployeeAccess"] as? Bool == settings.restrictEmployeeAccess)
        #expect(body["maxServiceAccountSecretValidityInHours"] as? Int == settings.maxServiceAccountSecretValidityInHours)
    }

    @Test("settings: every org's fields under v2 and v1.0, one org leaving fields out, weak and strong orgs")
    func settings() async throws {
        let inventory = Self.generator.generate()
        #expect(inventory == Self.generator.generate())
        try await Self.serving(inventory) { simulator, running in
            for org in inventory.orgs {
                let settings = try #require(simulator.orgSettings(org.id))
                let path = "/api/atlas/v2/orgs/\(org.id)/settings"
                let answer = try await Get.get(running, path, accept: Get.keyType)
                #expect(answer.status == 200)
                #expect(answer.contentType == "application/vnd.atlas.2023-01-01+json;charset=utf-8")
                Self.expectBody(try answer.object(), settings)
                let hours = settings.maxServiceAccountSecretValidityInHours ?? 8
                #expect((8...8760).contains(hours))
                let plain = try await Get.get(running, "/api/atlas/v1.0/orgs/\(org.id)/settings", accept: nil)
                #expect(plain.status == 200 && plain.contentType == "application/json")
                Self.expectBody(try plain.object(), settings)
                #expect(try await Get.get(running, "/api/public/v1.0/orgs/\(org.id)/settings", accept: nil).status == 404)
                #expect(try await Get.get(running, path, accept: nil).status == 406)
            }
            let omitting = inventory.orgs[1].settings
            #expect(omitting.restrictEmployeeAccess == nil && omitting.maxServiceAccountSecretValidityInHours == nil)
            #expect(omitting.apiAccessListRequired != nil && omitting.multiFactorAuthRequired != nil)
            #expect(inventory.orgs.enumerated().allSatisfy { $0.offset == 1 || $0.element.settings.servedFields.count >= 7 })
            #expect(inventory.orgs[0].settings.apiAccessListRequired == false)
            #expect(inventory.orgs[0].settings.multiFactorAuthRequired == false)
            #expect(inventory.orgs[2].settings.apiAccessListRequired == true)
            #expect(inventory.orgs[2].settings.multiFactorAuthRequired == true)
            let unknown = try await Get.get(running, "/api/atlas/v2/orgs/66ee0000000000000000ffff/settings", accept: Get.keyType)
            #expect(unknown.status == 404)
            #expect(try unknown.object()["errorCode"] as? String == "ORG_NOT_FOUND")
            // The 406 is the middleware's: it never reaches the endpoint.
            #expect(simulator.stats.settingsRequests == 3 * inventory.orgs.count + 1)
        }
    }

    @Test("settings faults: 404 for every org without the resource, 403 for refused users only, 404 off Atlas")
    func settingsFaults() async throws {
        let orgID = "66ee0000000000000000000f"
        let org = SimulatedOrg(id: orgID, name: "Org")
        #expect(org.settings == .atlasDefaults)
        try await Self.serving(SimulatedInventory(orgs: [org])) { simulator, running in
            let path = "/api/atlas/v2/orgs/\(orgID)/settings"
            Self.expectBody(try await Get.get(running, path, accept: Get.keyType).object(), .atlasDefaults)
            simulator.faults.usersWithoutSettingsAccess = [testPublicKey]
            let refused = try await Get.get(running, path, accept: Get.keyType)
            #expect(refused.status == 403)
            #expect(try refused.object()["errorCode"] as? String == "USER_UNAUTHORIZED")
            #expect(try await Get.get(running, "/api/atlas/v2/orgs/\(orgID)/apiKeys", accept: Get.keyType).status == 200)
            simulator.faults.usersWithoutSettingsAccess = ["someoneelse"]
            #expect(try await Get.get(running, path, accept: Get.keyType).status == 200)
            simulator.faults.settingsNotFound = true
            let missing = try await Get.get(running, path, accept: Get.keyType)
            #expect(missing.status == 404)
            #expect(try missing.object()["errorCode"] as? String == "RESOURCE_NOT_FOUND")
            simulator.faults = SimulatorFaults()
            simulator.inventory = SimulatedInventory(orgs: [org], flavor: .opsManager)
            #expect(try await Get.get(running, path, accept: Get.keyType).status == 404)
        }
    }

    @Test("access lists: a key's count and lastUsedAddress only once used; an account's requestCount and address")
    func usage() async throws {
        let inventory = Self.generator.generate()
        try await Self.serving(inventory) { _, running in
            var keysSeen = 0
            for org in inventory.orgs {
                for key in org.keys where !key.accessList.isEmpty {
                    keysSeen += 1
                    let path = "/api/atlas/v2/orgs/\(org.id)/apiKeys/\(key.id)/accessList"
                    let entries = try await Get.get(running, path, accept: Get.keyType).results()
                    #expect(entries.count == key.accessList.count)
                    for (body, entry) in zip(entries, key.accessList) {
                        #expect(body["count"] as? Int == entry.servedKeyCount)
                        #expect(body["lastUsedAddress"] as? String == entry.servedLastUsedAddress)
                        #expect((body["lastUsed"] == nil) == (entry.lastUsed == nil))
                    }
                    #expect(entries.compactMap { $0["count"] as? Int }.reduce(0, +) == (key.accessListRequests ?? 0))
                }
                for account in org.serviceAccounts where !account.accessList.isEmpty {
                    let path = "/api/atlas/v2/orgs/\(org.id)/serviceAccounts/\(account.clientID)/accessList"
                    let entries = try await Get.get(running, path).results()
                    for (body, entry) in zip(entries, account.accessList) {
                        #expect(body["requestCount"] as? Int == entry.servedRequestCount)
                        #expect(body["lastUsedAddress"] as? String == entry.servedLastUsedAddress)
                        if entry.lastUsed != nil, entry.address.hasSuffix("/24") {
                            let address = try #require(entry.lastUsedAddress)
                            #expect(address.hasPrefix("203.0.113.") && address != "203.0.113.0" && address != "203.0.113.255")
                        }
                    }
                }
            }
            #expect(keysSeen > 5)
            let entries = inventory.orgs.flatMap { $0.keys.flatMap(\.accessList) + $0.serviceAccounts.flatMap(\.accessList) }
            #expect(entries.contains { $0.lastUsed == nil } && Set(entries.compactMap(\.servedKeyCount)).count > 5)
        }
    }

    @Test("the generator keeps every seed's keys: replayed without posture, only the usage differs")
    func seedsUnchanged() {
        let inventory = Self.generator.generate()
        var random = SeededGenerator(seed: Self.generator.seed)
        for (orgIndex, keyCount) in Self.generator.keysPerOrg.enumerated() {
            let orgID = InventoryGenerator.objectID(time: Self.generator.now - 200_000_000 + UInt32(orgIndex), using: &random)
            let projects = (0..<Self.generator.projectsPerOrg).map { index in
                SimulatedProject(id: InventoryGenerator.objectID(time: Self.generator.now - 150_000_000 + UInt32(index),
                                                                 using: &random), name: "Project \(index + 1) of org \(orgIndex + 1)")
            }
            #expect(inventory.orgs[orgIndex].id == orgID && inventory.orgs[orgIndex].projects == projects)
            for keyIndex in 0..<keyCount {
                let replayed = Self.generator.makeKey(index: keyIndex, orgID: orgID, projects: projects, using: &random)
                var generated = inventory.orgs[orgIndex].keys[keyIndex]
                for entry in generated.accessList.indices {
                    generated.accessList[entry].requestCount = replayed.accessList[entry].requestCount
                    generated.accessList[entry].lastUsedAddress = replayed.accessList[entry].lastUsedAddress
                }
                #expect(generated == replayed)
            }
        }
    }

    @Test("a settings change records its events, delegate principal included; counts outlive the feed's capacity")
    func settingsChanges() async throws {
        let orgID = "66ee0000000000000000000f"
        let key = SimulatedKey(id: "66ee000000000000000000c1", publicKey: "inherits", desc: "", roles: [])
        let simulator = AtlasSimulator(inventory: SimulatedInventory(orgs: [SimulatedOrg(id: orgID, name: "O", keys: [key])]),
                                       users: [:], eventLogCapacity: 3, eventClock: { Self.clock })
        let alice = SimulatedActor.user(userID: "66ee000000000000000000a1", username: "alice@example.com")
        let app = SimulatedPrincipal(id: "app1", name: "App", onBehalfOf: SimulatedPrincipal(id: "66ee000000000000000000a1",
                                                                                          name: "alice@example.com"))
        let made = try #require(simulator.changeOrgSettings(orgID: orgID, actor: alice, address: "203.0.113.5",
                                                            delegatePrincipal: app) { settings in
            settings.apiAccessListRequired = true
            settings.restrictEmployeeAccess = nil
            settings.maxServiceAccountSecretValidityInHours = 24
            settings.keysInheritingUIAccessList = [key.id]
        })
        #expect(made.map(\.eventTypeName) == ["ORG_PUBLIC_API_ACCESS_LIST_REQUIRED", "ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED",
                                              "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED"])
        #expect(made.allSatisfy { $0.delegatePrincipal == app && $0.actor == alice })
        #expect(made.last?.targetPublicKey == "inherits" && made.first?.targetPublicKey == nil)
        #expect(simulator.orgSettings(orgID)?.servedFields.contains("restrictEmployeeAccess") == false)
        #expect(simulator.changeOrgSettings(orgID: orgID, actor: alice, address: "x") { $0.uiAccessListEnabled = false } == [])
        #expect(simulator.changeOrgSettings(orgID: "66ee0000000000000000ffff", actor: alice, address: "x") { _ in } == nil)
        let expiring = simulator.changeOrgSettings(orgID: orgID, actor: .system, address: "") {
            $0.serviceAccountSecretsExpiring = true
            $0.serviceAccountSecretsExpired = true
        }
        #expect(expiring?.map(\.eventTypeName) == ["ORG_SERVICE_ACCOUNT_SECRETS_EXPIRING", "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRED"])
        #expect(simulator.events(orgID: orgID).count == 3)
        #expect(simulator.recordedEventCounts(orgID: orgID).values.reduce(0, +) == 5)
        #expect(simulator.recordedEventCounts(orgID: orgID)["ORG_PUBLIC_API_ACCESS_LIST_REQUIRED"] == 1)

        try await Self.serving(simulator.inventory) { served, running in
            served.recordEvent(orgID: orgID, type: "ORG_EMPLOYEE_ACCESS_RESTRICTED", actor: alice, address: "203.0.113.5",
                               delegatePrincipal: app)
            served.recordEvent(orgID: orgID, type: "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRED", actor: .system, address: "")
            let results = try await Get.get(running, "/api/atlas/v2/orgs/\(orgID)/events", accept: Get.keyType).results()
            let system = try #require(results.first)
            #expect(Set(system.keys) == ["created", "eventTypeName", "id", "isGlobalAdmin", "links", "orgId"])
            let delegated = try #require(results.last)
            #expect(delegated["userId"] as? String == "66ee000000000000000000a1")
            let principal = try #require(delegated["delegatePrincipal"] as? [String: Any])
            #expect(principal["id"] as? String == "app1" && principal["name"] as? String == "App")
            #expect(principal["onBehalfOf"] as? [String: String] == ["id": "66ee000000000000000000a1", "name": "alice@example.com"])
        }
    }

    @Test("the churn with posture makes every new event type, counted exactly, a quarter through delegates")
    func churn() async throws {
        let simulator = AtlasSimulator(inventory: Self.generator.generate(), users: [testPublicKey: testPrivateKey],
                                       eventClock: { Self.clock })
        let churn = InventoryChurn(simulator: simulator, generator: Self.generator, seed: 17, postureOneIn: 1)
        var changes: [SimulatedPostureChange] = []
        for _ in 0..<60 { churn.step() }
        for _ in 0..<400 { if let made = churn.stepPosture() { changes.append(made) } }
        #expect(changes.count == 400)
        let counts = churn.postureChangeCounts
        #expect(Set(counts.keys) == Set(SimulatedPostureChange.kinds))
        #expect(counts.values.reduce(0, +) > 400, "the steps made posture changes too")
        let orgs = simulator.inventory.orgs
        var everyType: [String: Int] = [:]
        for org in orgs {
            let events = simulator.events(orgID: org.id)
            let feed = Dictionary(grouping: events, by: \.eventTypeName).mapValues(\.count)
            #expect(simulator.recordedEventCounts(orgID: org.id) == feed)
            everyType.merge(feed, uniquingKeysWith: +)
        }
        let newTypes = SimulatedOrgSecurityEventType.allCases.map(\.rawValue)
            + ["API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED", "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_DISABLED"]
        for type in newTypes { #expect((everyType[type] ?? 0) > 0, "\(type) made") }
        let posture = changes.flatMap(\.events)
        let system = posture.filter { $0.eventTypeName.contains("SECRETS") }
        #expect(system.allSatisfy { $0.actor == .system && $0.delegatePrincipal == nil && $0.remoteAddress.isEmpty })
        let others = posture.filter { $0.actor != .system }
        let delegated = others.filter { $0.delegatePrincipal?.onBehalfOf != nil }
        #expect(Double(delegated.count) / Double(others.count) > 0.12 && Double(delegated.count) / Double(others.count) < 0.4)
        #expect(orgs[1].settings.restrictEmployeeAccess == nil && orgs[1].settings.maxServiceAccountSecretValidityInHours == nil)
        for change in changes where change.kind == "key_usage" {
            let key = try #require(orgs.first { $0.id == change.orgID }?.keys.first { $0.id == change.keyID })
            #expect(key.accessList.compactMap(\.lastUsed).max() ?? 0 >= UInt32(Self.clock / 1_000))
        }
        // The last use of a key made its entry the most recently used: the key's address is the one it came from.
        let used = try #require(changes.last { $0.kind == "key_usage" })
        let key = try #require(orgs.first { $0.id == used.orgID }?.keys.first { $0.id == used.keyID })
        #expect(key.lastUsedAddress == used.address)
        let running = try await simulator.start()
        for org in orgs {
            let answer = try await Get.get(running, "/api/atlas/v2/orgs/\(org.id)/settings", accept: Get.keyType)
            Self.expectBody(try answer.object(), org.settings)
        }
        await running.stop()
    }

    @Test("the Apache layout's fixtures say what PostureFixtures says, in the simulator's own shapes")
    func fixtures() throws {
        func object(_ name: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(PostureFixtures.body(name).utf8)) as? [String: Any])
        }
        let full = try object("settings-full.json")
        #expect(full["apiAccessListRequired"] as? Bool == true && full["multiFactorAuthRequired"] as? Bool == true)
        #expect(full["restrictEmployeeAccess"] as? Bool == true && full["maxServiceAccountSecretValidityInHours"] as? Int == 720)
        let partial = try object("settings-partial.json")
        #expect(partial.keys.sorted() == ["apiAccessListRequired", "genAIFeaturesEnabled", "multiFactorAuthRequired", "securityContact"])
        let events = try #require(try object("events.json")["results"] as? [[String: Any]])
        #expect(events.compactMap { $0["eventTypeName"] as? String } == PostureFixtures.eventTypes)
        let delegated = events.filter { $0["delegatePrincipal"] != nil }
        #expect(Set(delegated.compactMap { $0["id"] as? String }) == Set(PostureFixtures.delegatedEvents.keys))
        for event in delegated {
            let principal = try #require(event["delegatePrincipal"] as? [String: Any])
            let expected = try #require(PostureFixtures.delegatedEvents[event["id"] as? String ?? ""])
            #expect(principal["id"] as? String == expected.0 && principal["name"] as? String == expected.1)
            #expect(principal["onBehalfOf"] as? [String: String] == ["id": expected.2, "name": expected.3])
        }
        let orgs = try #require(try object("organizations.json")["results"] as? [[String: Any]])
        #expect(orgs.compactMap { $0["id"] as? String } == [PostureFixtures.fullOrgID, PostureFixtures.partialOrgID])
        #expect(PostureFixtures.files().count == 11 && PostureFixtures.files(withoutSettings: true).count == 9)
    }

    @Test("a churn without posture draws and records exactly as before it existed")
    func churnWithoutPosture() {
        func run(_ make: (AtlasSimulator) -> InventoryChurn) -> (SimulatedInventory, [SimulatedEvent]) {
            let simulator = AtlasSimulator(inventory: Self.generator.generate(), users: [:], eventClock: { Self.clock })
            let churn = make(simulator)
            for _ in 0..<80 { churn.step() }
            return (simulator.inventory, simulator.inventory.orgs.flatMap { simulator.events(orgID: $0.id) })
        }
        let plain = run { InventoryChurn(simulator: $0, generator: Self.generator, seed: 5) }
        let off = run { InventoryChurn(simulator: $0, generator: Self.generator, seed: 5, postureOneIn: 0) }
        #expect(plain.0 == off.0 && plain.1 == off.1)
        #expect(plain.0.orgs.map(\.settings) == Self.generator.generate().orgs.map(\.settings))
    }
}
