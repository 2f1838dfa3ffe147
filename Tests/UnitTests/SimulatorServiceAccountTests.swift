import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The simulator's service account endpoints, read over HTTP with Digest and checked field by field.
@Suite("Simulator: service account endpoints")
struct SimulatorServiceAccountTests {
    typealias Get = SimulatorRawGet
    static let clock: UInt32 = 1_800_000_000
    static let day: UInt32 = 86_400
    static let orgID = "66aa0000000000000000000f"
    static let projectA = "66aa00000000000000000001"
    static let projectB = "66aa00000000000000000002"
    static let owner = "mdb_sa_id_66aa000000000000000000a1"
    static let reader = "mdb_sa_id_66aa000000000000000000a2"
    static let system = "mdb_sa_id_66aa000000000000000000a3"

    /// Three accounts: an owner in two projects with a used and a never-used secret and an access list, a reader,
    /// and a system-managed one.
    static func inventory() -> SimulatedInventory {
        let ownerAccount = SimulatedServiceAccount(
            clientID: owner, name: #"terraform "ci""#, description: "Ops\nsecond line ✓", created: clock - 30 * day,
            milliseconds: 123, orgRoles: ["ORG_OWNER"],
            projectRoles: [projectB: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"], projectA: ["GROUP_OWNER"]],
            secrets: [
                SimulatedSecret(id: "66aa000000000000000000b1", created: clock - 20 * day, expires: clock + 2 * day,
                                lastUsed: clock - 3_600, milliseconds: 456),
                SimulatedSecret(id: "66aa000000000000000000b2", created: clock - day, expires: clock + 90 * day),
            ],
            accessList: [
                SimulatedAccessEntry(address: "203.0.113.0/24", created: clock - 30 * day, lastUsed: clock - 60),
                SimulatedAccessEntry(address: "198.51.100.7", created: clock - 29 * day, lastUsed: nil),
            ])
        let readerAccount = SimulatedServiceAccount(
            clientID: reader, name: "grafana", created: clock - 10 * day, orgRoles: ["ORG_READ_ONLY"],
            projectRoles: [projectA: ["GROUP_READ_ONLY"]],
            secrets: [SimulatedSecret(id: "66aa000000000000000000b3", created: clock - 10 * day, expires: clock - day)])
        let systemAccount = SimulatedServiceAccount(
            clientID: system, name: "atlas-internal", created: clock - 5 * day, orgRoles: ["ORG_MEMBER"],
            projectRoles: [projectA: ["GROUP_OWNER"]],
            secrets: [SimulatedSecret(id: "66aa000000000000000000b4", created: clock - 5 * day, expires: clock + day)],
            isSystemManaged: true)
        let org = SimulatedOrg(
            id: orgID, name: "Org", projects: [SimulatedProject(id: projectA, name: "A"), SimulatedProject(id: projectB, name: "B")],
            serviceAccounts: [ownerAccount, readerAccount, systemAccount])
        return SimulatedInventory(orgs: [org])
    }

    @Test("the org listing: every field of an account and its secrets, no secret value, lastUsedAt only when used")
    func orgListingShape() async throws {
        try await withSimulator(Self.inventory()) { _, running in
            let answer = try await Get.get(running, "/api/atlas/v2/orgs/\(Self.orgID)/serviceAccounts")
            #expect(answer.status == 200)
            #expect(answer.contentType == "application/vnd.atlas.2024-08-05+json;charset=utf-8")
            #expect(!answer.body.contains(#""secret""#))
            #expect(try answer.object()["totalCount"] as? Int == 2)
            let results = try answer.results()
            #expect(results.compactMap { $0["clientId"] as? String } == [Self.owner, Self.reader])
            let first = try #require(results.first)
            #expect(Set(first.keys) == ["clientId", "createdAt", "description", "isSystemManaged", "name", "owner", "roles", "secrets"])
            #expect(first["name"] as? String == #"terraform "ci""#)
            #expect(first["description"] as? String == "Ops\nsecond line ✓")
            #expect(first["createdAt"] as? String == Get.iso(Self.clock - 30 * Self.day, milliseconds: "123"))
            #expect(first["roles"] as? [String] == ["ORG_OWNER"])
            #expect(first["isSystemManaged"] as? Bool == false)
            #expect(first["owner"] is NSNull, "an extra field, null, that a client must tolerate")
            let secrets = try #require(first["secrets"] as? [[String: Any]])
            #expect(secrets.count == 2)
            #expect(Set(secrets[0].keys) == ["createdAt", "expiresAt", "id", "lastUsedAt", "maskedSecretValue"])
            #expect(secrets[0]["id"] as? String == "66aa000000000000000000b1")
            #expect(secrets[0]["createdAt"] as? String == Get.iso(Self.clock - 20 * Self.day, milliseconds: "456"))
            #expect(secrets[0]["expiresAt"] as? String == Get.iso(Self.clock + 2 * Self.day, milliseconds: "456"))
            #expect(secrets[0]["lastUsedAt"] as? String == Get.iso(Self.clock - 3_600, milliseconds: "456"))
            #expect(secrets[0]["maskedSecretValue"] as? String == "mdb_sa_sk_...00b1")
            #expect(Set(secrets[1].keys) == ["createdAt", "expiresAt", "id", "maskedSecretValue"], "never used: no lastUsedAt")
            #expect(secrets[1]["expiresAt"] as? String == Get.iso(Self.clock + 90 * Self.day))
        }
    }

    @Test("a project's listing: the accounts with access to it and their project roles; unknown projects are 404")
    func projectListing() async throws {
        try await withSimulator(Self.inventory()) { _, running in
            let a = try await Get.get(running, "/api/atlas/v2/groups/\(Self.projectA)/serviceAccounts")
            #expect(a.status == 200)
            #expect(a.contentType == "application/vnd.atlas.2024-08-05+json;charset=utf-8")
            let rolesA = try a.results().map { ($0["clientId"] as? String ?? "", $0["roles"] as? [String] ?? []) }
            #expect(rolesA.map(\.0) == [Self.owner, Self.reader])
            #expect(rolesA.map(\.1) == [["GROUP_OWNER"], ["GROUP_READ_ONLY"]])
            let b = try await Get.get(running, "/api/atlas/v2/groups/\(Self.projectB)/serviceAccounts")
            #expect(try b.results().map { $0["roles"] as? [String] ?? [] } == [["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]])
            #expect(try b.results().first?["secrets"] as? [[String: Any]] != nil, "the same shape as the org listing")
            let withSystem = try await Get.get(running, "/api/atlas/v2/groups/\(Self.projectA)/serviceAccounts?includeSystemManaged=true")
            #expect(try withSystem.results().compactMap { $0["clientId"] as? String } == [Self.owner, Self.reader, Self.system])
            let unknown = try await Get.get(running, "/api/atlas/v2/groups/66aa000000000000000000ff/serviceAccounts")
            #expect(unknown.status == 404)
            #expect(try unknown.object()["errorCode"] as? String == "GROUP_NOT_FOUND")
        }
    }

    @Test("an account's projects and access list; unknown orgs and client ids are 404")
    func accountProjectsAndAccessList() async throws {
        try await withSimulator(Self.inventory()) { simulator, running in
            let base = "/api/atlas/v2/orgs/\(Self.orgID)/serviceAccounts"
            let groups = try await Get.get(running, "\(base)/\(Self.owner)/groups").results()
            #expect(groups.count == 2)
            #expect(groups.map { Set($0.keys) } == [["groupId", "roles"], ["groupId", "roles"]])
            #expect(groups.compactMap { $0["groupId"] as? String } == [Self.projectA, Self.projectB])
            #expect(groups.compactMap { $0["roles"] as? [String] } == [["GROUP_OWNER"], ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]])

            let access = try await Get.get(running, "\(base)/\(Self.owner)/accessList")
            #expect(access.contentType == "application/vnd.atlas.2024-08-05+json;charset=utf-8")
            let entries = try access.results()
            #expect(entries.count == 2)
            #expect(entries[0]["cidrBlock"] as? String == "203.0.113.0/24")
            #expect(entries[0]["ipAddress"] == nil)
            #expect(entries[0]["createdAt"] as? String == Get.iso(Self.clock - 30 * Self.day))
            #expect(entries[0]["lastUsedAt"] as? String == Get.iso(Self.clock - 60))
            #expect(entries[0]["lastUsedAddress"] is String)
            #expect((entries[0]["requestCount"] as? Int ?? 0) > 0)
            #expect(entries[1]["cidrBlock"] as? String == "198.51.100.7/32")
            #expect(entries[1]["ipAddress"] as? String == "198.51.100.7")
            #expect(entries[1]["lastUsedAt"] == nil && entries[1]["lastUsedAddress"] == nil)
            #expect(entries[1]["requestCount"] as? Int == 0)

            let cases = [("\(base)/mdb_sa_id_000000000000000000000000/groups", "SERVICE_ACCOUNT_NOT_FOUND"),
                         ("\(base)/mdb_sa_id_000000000000000000000000/accessList", "SERVICE_ACCOUNT_NOT_FOUND"),
                         ("/api/atlas/v2/orgs/66aa00000000000000000bad/serviceAccounts", "ORG_NOT_FOUND"),
                         ("/api/atlas/v2/orgs/66aa00000000000000000bad/serviceAccounts/\(Self.owner)/groups", "ORG_NOT_FOUND")]
            for (path, code) in cases {
                let answer = try await Get.get(running, path)
                #expect(answer.status == 404, "\(path)")
                #expect(try answer.object()["errorCode"] as? String == code, "\(path)")
            }
            #expect(simulator.stats.serviceAccountRequests == 6)
        }
    }

    @Test("service accounts need the 2024-08-05 media type; the key endpoints keep 2023-01-01")
    func versionHeader() async throws {
        try await withSimulator(Self.inventory()) { _, running in
            let paths = ["/api/atlas/v2/orgs/\(Self.orgID)/serviceAccounts",
                         "/api/atlas/v2/groups/\(Self.projectA)/serviceAccounts",
                         "/api/atlas/v2/orgs/\(Self.orgID)/serviceAccounts/\(Self.owner)/groups",
                         "/api/atlas/v2/orgs/\(Self.orgID)/serviceAccounts/\(Self.owner)/accessList"]
            for path in paths {
                for accept in [nil, Get.keyType, "application/json"] {
                    let refused = try await Get.get(running, path, accept: accept)
                    #expect(refused.status == 406, "\(path) with \(accept ?? "*/*")")
                    #expect(try refused.object()["errorCode"] as? String == "INVALID_VERSION_DATE")
                }
                #expect(try await Get.get(running, path, accept: Get.serviceAccountType).status == 200, "\(path)")
            }
            let keys = "/api/atlas/v2/orgs/\(Self.orgID)/apiKeys"
            #expect(try await Get.get(running, keys, accept: Get.serviceAccountType).status == 406)
            let listed = try await Get.get(running, keys, accept: Get.keyType)
            #expect(listed.status == 200)
            #expect(listed.contentType == "application/vnd.atlas.2023-01-01+json;charset=utf-8")
        }
    }

    @Test("under v1.0 and /api/public/v1.0 (Cloud and Ops Manager) every service account path is a JSON 404")
    func notOutsideAtlasV2() async throws {
        try await withSimulator(Self.inventory()) { simulator, running in
            let paths = ["/orgs/\(Self.orgID)/serviceAccounts", "/groups/\(Self.projectA)/serviceAccounts",
                         "/orgs/\(Self.orgID)/serviceAccounts/\(Self.owner)/groups",
                         "/orgs/\(Self.orgID)/serviceAccounts/\(Self.owner)/accessList"]
            for prefix in ["/api/atlas/v1.0", "/api/public/v1.0"] {
                #expect(try await Get.get(running, "\(prefix)/orgs/\(Self.orgID)/apiKeys", accept: nil).status == 200)
                for path in paths {
                    for accept in [nil, Get.serviceAccountType] {
                        let answer = try await Get.get(running, prefix + path, accept: accept)
                        #expect(answer.status == 404, "\(prefix + path)")
                        #expect(answer.contentType == "application/json")
                        let body = try answer.object()
                        #expect(body["error"] as? Int == 404)
                        #expect(body["errorCode"] as? String == "RESOURCE_NOT_FOUND")
                        #expect(body["reason"] as? String == "Not Found")
                        #expect(body["detail"] is String)
                        #expect((body["parameters"] as? [Any])?.isEmpty == true)
                    }
                }
            }
            #expect(simulator.stats.serviceAccountRequests == 16)
        }
    }
}
