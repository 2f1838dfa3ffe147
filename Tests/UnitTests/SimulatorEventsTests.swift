import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The simulator's activity feed: key changes that record events, and `GET /orgs/{orgId}/events` read over HTTP
/// with Digest, checked field by field.
@Suite("Simulator: activity feed (events)")
struct SimulatorEventsTests {
    typealias Get = SimulatorRawGet
    static let orgID = "66ee0000000000000000000f"
    static let clock: UInt64 = 1_800_000_000_123
    static let alice = SimulatedActor.user(userID: "66ee000000000000000000a1", username: "alice@example.com")
    static let robot = SimulatedActor.apiKey(apiKeyID: "66ee000000000000000000b1", publicKey: "robotkey")
    static let existing = SimulatedKey(id: "66ee000000000000000000c1", publicKey: "existing", desc: "old",
                                       roles: [.org(orgID, "ORG_MEMBER")])

    static func inventory() -> SimulatedInventory {
        SimulatedInventory(orgs: [SimulatedOrg(id: orgID, name: "Org", keys: [existing])])
    }

    @Test("each key change through the simulator changes the inventory and records its event: type, actor, address, key")
    func mutationsRecordEvents() throws {
        let simulator = AtlasSimulator(inventory: Self.inventory(), users: [:], eventClock: { Self.clock })
        let added = SimulatedKey(id: "66ee000000000000000000c2", publicKey: "newkeyab", desc: "new", roles: [])
        let created = try #require(simulator.createKey(orgID: Self.orgID, key: added, actor: Self.alice, address: "203.0.113.9"))
        #expect(simulator.inventory.orgs[0].keys.map(\.id) == [Self.existing.id, added.id])
        #expect(created.eventTypeName == "API_KEY_CREATED")
        #expect(created.actor == Self.alice)
        #expect(created.remoteAddress == "203.0.113.9")
        #expect(created.targetPublicKey == "newkeyab")
        #expect(created.createdMilliseconds == Self.clock)
        #expect(created.orgID == Self.orgID)

        let owner = [SimulatedRole.org(Self.orgID, "ORG_OWNER")]
        let roles = try #require(simulator.setRoles(orgID: Self.orgID, keyID: Self.existing.id, roles: owner,
                                                    actor: Self.robot, address: "198.51.100.1", at: Self.clock + 5))
        #expect(simulator.inventory.orgs[0].keys[0].roles == owner)
        #expect(roles.eventTypeName == "API_KEY_ROLES_CHANGED" && roles.actor == Self.robot)
        #expect(roles.targetPublicKey == "existing" && roles.createdMilliseconds == Self.clock + 5)

        let described = try #require(simulator.setDescription(orgID: Self.orgID, keyID: Self.existing.id, description: "renamed",
                                                              actor: Self.alice, address: "203.0.113.10"))
        #expect(simulator.inventory.orgs[0].keys[0].desc == "renamed")
        #expect(described.eventTypeName == "API_KEY_DESCRIPTION_CHANGED" && described.targetPublicKey == "existing")

        let deleted = try #require(simulator.deleteKey(orgID: Self.orgID, keyID: added.id, actor: Self.robot, address: "203.0.113.11"))
        #expect(simulator.inventory.orgs[0].keys.map(\.id) == [Self.existing.id])
        #expect(deleted.eventTypeName == "API_KEY_DELETED" && deleted.targetPublicKey == "newkeyab")
        #expect(deleted.remoteAddress == "203.0.113.11")

        let events = simulator.events(orgID: Self.orgID)
        #expect(events == [created, roles, described, deleted])
        #expect(events.allSatisfy { $0.id.count == 24 && $0.id.allSatisfy(\.isHexDigit) })
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.id < $1.id }, "ids increase")

        // Nothing happens, and nothing is recorded, for an unknown org or key.
        #expect(simulator.deleteKey(orgID: Self.orgID, keyID: added.id, actor: Self.alice, address: "x") == nil)
        #expect(simulator.setRoles(orgID: "66ee0000000000000000ffff", keyID: Self.existing.id, roles: [],
                                   actor: Self.alice, address: "x") == nil)
        #expect(simulator.createKey(orgID: "66ee0000000000000000ffff", key: added, actor: Self.alice, address: "x") == nil)
        #expect(simulator.events(orgID: Self.orgID).count == 4)
        #expect(simulator.events(orgID: "66ee0000000000000000ffff").isEmpty)
    }

    @Test("the feed keeps the newest events of each org, up to its capacity")
    func bounded() {
        let simulator = AtlasSimulator(inventory: Self.inventory(), users: [:], eventLogCapacity: 5)
        #expect(simulator.eventLogCapacity == 5)
        let recorded = (0..<8).map { index in
            simulator.recordEvent(orgID: Self.orgID, type: "API_KEY_CREATED", actor: Self.alice, address: "203.0.113.1",
                                  targetPublicKey: "k\(index)", at: Self.clock + UInt64(index))
        }
        #expect(simulator.events(orgID: Self.orgID) == Array(recorded.suffix(5)))
        #expect(AtlasSimulator(inventory: Self.inventory(), users: [:]).eventLogCapacity == 10_000)
    }

    @Test("an event as the API writes it: newest first, every field, the actor as a user or as an API key")
    func jsonShape() async throws {
        try await withSimulator(Self.inventory()) { simulator, running in
            simulator.recordEvent(orgID: Self.orgID, type: "API_KEY_CREATED", actor: Self.alice, address: "203.0.113.9",
                                  targetPublicKey: "abcdefgh", at: Self.clock)
            simulator.recordEvent(orgID: Self.orgID, type: "API_KEY_DELETED", actor: Self.robot, address: "203.0.113.10",
                                  targetPublicKey: "abcdefgh", at: Self.clock + 877)
            let path = "/api/atlas/v2/orgs/\(Self.orgID)/events"
            let answer = try await Get.get(running, path, accept: Get.keyType)
            #expect(answer.status == 200)
            #expect(answer.contentType == "application/vnd.atlas.2023-01-01+json;charset=utf-8")
            #expect(try answer.object()["totalCount"] as? Int == 2)
            let results = try answer.results()
            #expect(results.compactMap { $0["eventTypeName"] as? String } == ["API_KEY_DELETED", "API_KEY_CREATED"])
            let deleted = try #require(results.first)
            let created = try #require(results.last)
            #expect(Set(created.keys) == ["created", "eventTypeName", "id", "isGlobalAdmin", "links", "orgId", "remoteAddress",
                                          "targetPublicKey", "userId", "username"])
            #expect(Set(deleted.keys) == ["apiKeyId", "created", "eventTypeName", "id", "isGlobalAdmin", "links", "orgId",
                                          "publicKey", "remoteAddress", "targetPublicKey"])
            #expect(created["created"] as? String == Get.iso(1_800_000_000, milliseconds: "123"))
            #expect(deleted["created"] as? String == Get.iso(1_800_000_001, milliseconds: "000"))
            #expect(created["userId"] as? String == "66ee000000000000000000a1")
            #expect(created["username"] as? String == "alice@example.com")
            #expect(deleted["apiKeyId"] as? String == "66ee000000000000000000b1")
            #expect(deleted["publicKey"] as? String == "robotkey")
            #expect(created["remoteAddress"] as? String == "203.0.113.9")
            #expect(created["targetPublicKey"] as? String == "abcdefgh")
            #expect(created["orgId"] as? String == Self.orgID)
            #expect(created["isGlobalAdmin"] as? Bool == false)
            let id = try #require(created["id"] as? String)
            #expect(id == simulator.events(orgID: Self.orgID).first?.id)
            let links = try #require(created["links"] as? [[String: Any]])
            #expect(links.first?["href"] as? String == running.baseURL() + "/orgs/\(Self.orgID)/events/\(id)")

            // The same feed under v1.0 and Cloud / Ops Manager, as plain JSON; v2 insists on its media type.
            for prefix in ["/api/atlas/v1.0", "/api/public/v1.0"] {
                let plain = try await Get.get(running, "\(prefix)/orgs/\(Self.orgID)/events", accept: nil)
                #expect(plain.status == 200 && plain.contentType == "application/json")
                #expect(try plain.results().count == 2)
            }
            #expect(try await Get.get(running, path, accept: nil).status == 406)
        }
    }

    @Test("403 USER_UNAUTHORIZED for a credential without access to events; 404 for an unknown org")
    func refused() async throws {
        try await withSimulator(Self.inventory()) { simulator, running in
            let path = "/api/atlas/v2/orgs/\(Self.orgID)/events"
            simulator.faults.usersWithoutEventAccess = [testPublicKey]
            let forbidden = try await Get.get(running, path, accept: Get.keyType)
            #expect(forbidden.status == 403)
            let body = try forbidden.object()
            #expect(Set(body.keys) == ["detail", "error", "errorCode", "parameters", "reason"])
            #expect(body["error"] as? Int == 403)
            #expect(body["errorCode"] as? String == "USER_UNAUTHORIZED")
            #expect(body["reason"] as? String == "Forbidden")
            #expect((body["parameters"] as? [Any])?.isEmpty == true)
            // The keys themselves can still be listed: only the feed is refused.
            #expect(try await Get.get(running, "/api/atlas/v2/orgs/\(Self.orgID)/apiKeys", accept: Get.keyType).status == 200)

            simulator.faults.usersWithoutEventAccess = ["someoneelse"]
            #expect(try await Get.get(running, path, accept: Get.keyType).status == 200)
            simulator.faults.refuseEvents = true
            #expect(try await Get.get(running, path, accept: Get.keyType).status == 403)
            simulator.faults.refuseEvents = false

            let unknown = try await Get.get(running, "/api/atlas/v2/orgs/66ee0000000000000000ffff/events", accept: Get.keyType)
            #expect(unknown.status == 404)
            #expect(try unknown.object()["errorCode"] as? String == "ORG_NOT_FOUND")
        }
    }
}
