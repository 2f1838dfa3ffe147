import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The simulator's service account changes: each changes the inventory and records its `SERVICE_ACCOUNT_*` event
/// in the real shape (no field naming the account; `groupId` for a project), refused changes record nothing, the
/// `eventType` filter selects them, and the churn records every account change it makes.
@Suite("Simulator: service account events")
struct SimulatorServiceAccountEventsTests {
    typealias Get = SimulatorRawGet
    static let orgID = "66ee0000000000000000000f"
    static let projectID = "66ee0000000000000000a001"
    static let clock: UInt64 = 1_800_000_000_123
    static let alice = SimulatedActor.user(userID: "66ee000000000000000000a1", username: "alice@example.com")
    static let robot = SimulatedActor.apiKey(apiKeyID: "66ee000000000000000000b1", publicKey: "robotkey")
    static let clientID = "mdb_sa_id_66ee000000000000000000d1"

    static func account(_ clientID: String = clientID) -> SimulatedServiceAccount {
        SimulatedServiceAccount(clientID: clientID, name: "ci", created: 1_790_000_000, orgRoles: ["ORG_MEMBER"],
                                secrets: [SimulatedSecret(id: "66ee000000000000000000e1", created: 1_790_000_000,
                                                          expires: 1_900_000_000)])
    }

    static func inventory() -> SimulatedInventory {
        SimulatedInventory(orgs: [SimulatedOrg(id: orgID, name: "Org", projects: [SimulatedProject(id: projectID, name: "P")])])
    }

    @Test("every change records its event type; only project changes carry groupId; refused changes record nothing")
    func changesRecordEvents() throws {
        let simulator = AtlasSimulator(inventory: Self.inventory(), users: [:], eventClock: { Self.clock })
        let entry = SimulatedAccessEntry(address: "198.51.100.7/32", created: 1_790_000_000, lastUsed: nil)
        let secret = SimulatedSecret(id: "66ee000000000000000000e2", created: 1_800_000_000, expires: 1_900_000_000)
        let id = Self.clientID
        let steps: [(SimulatedServiceAccountChange, String, (SimulatedServiceAccount?) -> Bool)] = [
            (.create(Self.account()), "SERVICE_ACCOUNT_CREATED", { $0 != nil }),
            (.setOrgRoles(clientID: id, roles: ["ORG_OWNER"]), "SERVICE_ACCOUNT_ROLES_CHANGED", { $0?.orgRoles == ["ORG_OWNER"] }),
            (.setDetails(clientID: id, name: "ci-2", description: "d"), "SERVICE_ACCOUNT_DETAILS_CHANGED",
             { $0?.name == "ci-2" && $0?.description == "d" }),
            (.addToProject(clientID: id, projectID: Self.projectID, roles: ["GROUP_READ_ONLY"]), "SERVICE_ACCOUNT_ADDED_TO_GROUP",
             { $0?.projectRoles == [Self.projectID: ["GROUP_READ_ONLY"]] }),
            (.removeFromProject(clientID: id, projectID: Self.projectID), "SERVICE_ACCOUNT_REMOVED_FROM_GROUP",
             { $0?.projectRoles.isEmpty == true }),
            (.addAccessListEntry(clientID: id, entry: entry), "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_ADDED", { $0?.accessList == [entry] }),
            (.deleteAccessListEntry(clientID: id, address: entry.address), "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_DELETED",
             { $0?.accessList.isEmpty == true }),
            (.addSecret(clientID: id, secret: secret), "SERVICE_ACCOUNT_SECRET_ADDED", { $0?.secrets.map(\.id).last == secret.id }),
            (.deleteSecret(clientID: id, secretID: "66ee000000000000000000e1"), "SERVICE_ACCOUNT_SECRET_DELETED",
             { $0?.secrets.map(\.id) == [secret.id] }),
            (.delete(clientID: id), "SERVICE_ACCOUNT_DELETED", { $0 == nil }),
        ]
        var recorded: [SimulatedEvent] = []
        for (index, (change, type, check)) in steps.enumerated() {
            let actor = index % 2 == 0 ? Self.alice : Self.robot
            let event = try #require(simulator.changeServiceAccount(orgID: Self.orgID, change, actor: actor, address: "203.0.113.\(index)"))
            #expect(event.eventTypeName == type && change.eventType.rawValue == type)
            #expect(event.actor == actor && event.remoteAddress == "203.0.113.\(index)" && event.orgID == Self.orgID)
            #expect(event.targetPublicKey == nil, "a service account event names no account")
            #expect(event.groupID == (type.hasSuffix("_GROUP") ? Self.projectID : nil))
            #expect(event.createdMilliseconds == Self.clock)
            #expect(check(simulator.inventory.orgs[0].serviceAccount(id)), "\(type) changed the account")
            recorded.append(event)
        }
        #expect(simulator.events(orgID: Self.orgID) == recorded)

        // Refused: unknown org, unknown account, a second account with the same id, a project of no org, an entry or
        // secret the account lacks, a project it is not in, no roles. Nothing changes, nothing is recorded.
        _ = simulator.changeServiceAccount(orgID: Self.orgID, .create(Self.account()), actor: Self.alice, address: "x")
        let before = simulator.inventory
        let refused: [(String, SimulatedServiceAccountChange)] = [
            ("66ee0000000000000000ffff", .create(Self.account("mdb_sa_id_66ee000000000000000000d2"))),
            (Self.orgID, .create(Self.account())),
            (Self.orgID, .delete(clientID: "mdb_sa_id_66ee000000000000000000ff")),
            (Self.orgID, .setOrgRoles(clientID: "mdb_sa_id_66ee000000000000000000ff", roles: [])),
            (Self.orgID, .addToProject(clientID: id, projectID: "66ee00000000000000000bad", roles: ["GROUP_OWNER"])),
            (Self.orgID, .addToProject(clientID: id, projectID: Self.projectID, roles: [])),
            (Self.orgID, .removeFromProject(clientID: id, projectID: Self.projectID)),
            (Self.orgID, .deleteAccessListEntry(clientID: id, address: "192.0.2.1")),
            (Self.orgID, .deleteSecret(clientID: id, secretID: "66ee0000000000000000ffff")),
            (Self.orgID, .addSecret(clientID: id, secret: Self.account().secrets[0])),
        ]
        for (orgID, change) in refused {
            #expect(simulator.changeServiceAccount(orgID: orgID, change, actor: Self.alice, address: "x") == nil, "\(change)")
        }
        #expect(simulator.inventory == before)
        #expect(simulator.events(orgID: Self.orgID).count == recorded.count + 1)
    }

    @Test("over HTTP: the ServiceAccountOrgEvents shape, groupId only in a project, and the eventType filter selects them")
    func listedAndFiltered() async throws {
        try await withSimulator(Self.inventory()) { simulator, running in
            let id = Self.clientID
            simulator.changeServiceAccount(orgID: Self.orgID, .create(Self.account()), actor: Self.alice, address: "203.0.113.1",
                                           at: Self.clock)
            simulator.changeServiceAccount(orgID: Self.orgID, .addToProject(clientID: id, projectID: Self.projectID, roles: ["GROUP_OWNER"]),
                                           actor: Self.robot, address: "203.0.113.2", at: Self.clock + 1)
            simulator.recordEvent(orgID: Self.orgID, type: "API_KEY_CREATED", actor: Self.alice, address: "203.0.113.3",
                                  targetPublicKey: "abcdefgh", at: Self.clock + 2)
            simulator.changeServiceAccount(orgID: Self.orgID, .delete(clientID: id), actor: Self.alice, address: "203.0.113.4",
                                           at: Self.clock + 3)
            func listed(_ query: String) async throws -> [[String: Any]] {
                let answer = try await Get.get(running, "/api/atlas/v2/orgs/\(Self.orgID)/events?\(query)", accept: Get.keyType)
                #expect(answer.status == 200, "\(query): \(answer.body)")
                return try answer.results()
            }
            let all = try await listed("")
            #expect(all.compactMap { $0["eventTypeName"] as? String }
                == ["SERVICE_ACCOUNT_DELETED", "API_KEY_CREATED", "SERVICE_ACCOUNT_ADDED_TO_GROUP", "SERVICE_ACCOUNT_CREATED"])
            let joined = all[2], created = all[3]
            #expect(Set(created.keys) == ["created", "eventTypeName", "id", "isGlobalAdmin", "links", "orgId", "remoteAddress",
                                          "userId", "username"], "no field names the account")
            #expect(Set(joined.keys) == ["apiKeyId", "created", "eventTypeName", "groupId", "id", "isGlobalAdmin", "links",
                                         "orgId", "publicKey", "remoteAddress"])
            #expect(joined["groupId"] as? String == Self.projectID)
            #expect(!all.contains { ($0["targetPublicKey"] as? String) != nil && ($0["eventTypeName"] as? String)?.hasPrefix("SERVICE") == true })

            let filtered = try await listed("eventType=SERVICE_ACCOUNT_CREATED&eventType=SERVICE_ACCOUNT_DELETED")
            #expect(filtered.compactMap { $0["eventTypeName"] as? String } == ["SERVICE_ACCOUNT_DELETED", "SERVICE_ACCOUNT_CREATED"])
            let group = try await listed("eventType=SERVICE_ACCOUNT_ADDED_TO_GROUP&minDate=\(Get.iso(1_800_000_000))")
            #expect(group.compactMap { $0["groupId"] as? String } == [Self.projectID])
            #expect(try await listed("eventType=SERVICE_ACCOUNT_SECRET_ADDED").isEmpty)
        }
    }

    @Test("the churn records an event for every service account change it makes, of every kind it makes")
    func churnRecordsEvents() {
        let generator = InventoryGenerator(seed: 37, keysPerOrg: [8, 8], projectsPerOrg: 3, serviceAccountsPerOrg: [12],
                                           secretClock: 1_800_000_000)
        let simulator = AtlasSimulator(inventory: generator.generate(), users: [:], eventClock: { Self.clock })
        let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 37, clock: { 1_800_100_000 })
        let orgID = simulator.inventory.orgs[0].id
        let projects = Set(simulator.inventory.orgs[0].projects.map(\.id))
        var seenCount = 0
        var unrecorded = 0
        for _ in 0..<400 {
            let before = simulator.inventory.orgs[0].serviceAccounts
            churn.step()
            let accountEvents = simulator.events(orgID: orgID).filter { $0.eventTypeName.hasPrefix("SERVICE_ACCOUNT_") }
            let changed = simulator.inventory.orgs[0].serviceAccounts != before
            if changed != (accountEvents.count > seenCount) { unrecorded += 1 }
            seenCount = accountEvents.count
        }
        #expect(unrecorded == 0, "a step changed accounts without an event, or recorded one without a change")
        let events = simulator.events(orgID: orgID).filter { $0.eventTypeName.hasPrefix("SERVICE_ACCOUNT_") }
        let made = Set(SimulatedServiceAccountEventType.allCases.filter { !$0.rawValue.contains("INHERITANCE") }.map(\.rawValue))
        #expect(Set(events.map(\.eventTypeName)) == made, "every kind the simulator makes")
        #expect(events.allSatisfy { $0.targetPublicKey == nil })
        #expect(events.allSatisfy { $0.eventTypeName.hasSuffix("_GROUP") == ($0.groupID != nil) })
        #expect(events.compactMap(\.groupID).allSatisfy { projects.contains($0) })
        #expect(events.allSatisfy { $0.remoteAddress.hasPrefix("203.0.113.") })
        #expect(simulator.events(orgID: simulator.inventory.orgs[1].id).allSatisfy { $0.eventTypeName.hasPrefix("API_KEY_") },
                "an org without accounts has key events only")
    }
}
