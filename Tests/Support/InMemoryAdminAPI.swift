import APIKeyExporter
import AtlasSimulator
import Foundation

/// The Admin API answered from memory, for tests of what sits above the client (pollers, collectors) that need
/// no HTTP: the same models and the same errors as `AtlasClient` gets from the simulator (the contract test
/// `AdminAPIContractTests` holds the two to that).
///
/// Not thread-safe, like a client: one per worker. `failures` makes an endpoint fail; `requests` records every
/// call, as the path the real client would request.
public final class InMemoryAdminAPI: AdminAPI {
    public struct Org {
        public var organization: Organization
        public var projects: [Project] = []
        public var keys: [APIKey] = []
        /// Key id → access list.
        public var accessLists: [String: [AccessListEntry]] = [:]
        /// With their org roles (system-managed ones left out, as the API does by default).
        public var serviceAccounts: [ServiceAccount] = []
        /// Project id → the accounts with roles there, with those roles.
        public var projectServiceAccounts: [String: [ServiceAccount]] = [:]
        /// Client id → access list.
        public var serviceAccountAccessLists: [String: [AccessListEntry]] = [:]
    }

    /// In the order the API lists them.
    public var orgs: [Org]
    /// Path (`/orgs/{id}/apiKeys`, ...) → the error its call throws.
    public var failures: [String: APIError] = [:]
    public private(set) var requests: [String] = []

    public init(orgs: [Org]) {
        self.orgs = orgs
    }

    /// The simulator's inventory, as the API would show it.
    public convenience init(_ inventory: SimulatedInventory) {
        self.init(orgs: inventory.orgs.map { org in
            Org(organization: Organization(id: org.id, name: org.name, isDeleted: false),
                projects: org.projects.map { Project(id: $0.id, name: $0.name) },
                keys: org.keys.map { key in
                    APIKey(id: key.id, publicKey: key.publicKey, desc: key.desc, roles: key.roles.map { role in
                        RoleAssignment(scope: role.projectID.map(RoleScope.project) ?? .organization, roleName: role.roleName)
                    })
                },
                accessLists: Dictionary(uniqueKeysWithValues: org.keys.map { key in
                    (key.id, key.accessList.map(Self.accessListEntry))
                }),
                serviceAccounts: org.serviceAccounts.filter { !$0.isSystemManaged }.map { Self.serviceAccount($0, roles: $0.orgRoles) },
                projectServiceAccounts: Dictionary(uniqueKeysWithValues: org.projects.map { project in
                    (project.id, org.serviceAccounts.filter { !$0.isSystemManaged && !($0.projectRoles[project.id] ?? []).isEmpty }
                        .map { Self.serviceAccount($0, roles: $0.projectRoles[project.id] ?? []) })
                }),
                serviceAccountAccessLists: Dictionary(uniqueKeysWithValues: org.serviceAccounts.map { account in
                    (account.clientID, account.accessList.map(Self.accessListEntry))
                }))
        })
    }

    /// An account as the API lists it, with `roles` (org or project ones), times to the millisecond.
    public static func serviceAccount(_ account: SimulatedServiceAccount, roles: [String]) -> ServiceAccount {
        func time(_ seconds: UInt32, _ milliseconds: UInt16?) -> Double { Double(seconds) + Double(milliseconds ?? 0) / 1000 }
        return ServiceAccount(
            clientId: account.clientID, name: account.name, description: account.description,
            createdAt: time(account.created, account.milliseconds), roles: roles,
            secrets: account.secrets.map { secret in
                ServiceAccountSecret(id: secret.id, createdAt: time(secret.created, secret.milliseconds),
                                     expiresAt: time(secret.expires, secret.milliseconds),
                                     lastUsedAt: secret.lastUsed.map { time($0, secret.milliseconds) })
            })
    }

    /// An entry as the API shows it: a bare address also as a /32 block, times in ISO 8601.
    public static func accessListEntry(_ entry: SimulatedAccessEntry) -> AccessListEntry {
        let isBlock = entry.address.contains("/")
        return AccessListEntry(
            cidrBlock: isBlock ? entry.address : entry.address + "/32", ipAddress: isBlock ? nil : entry.address,
            lastUsed: entry.lastUsed.map { Date(timeIntervalSince1970: Double($0)).formatted(.iso8601) },
            count: entry.servedKeyCount, lastUsedAddress: entry.servedLastUsedAddress)
    }

    public func listOrganizations() throws(APIError) -> [Organization] {
        try record("/orgs")
        return orgs.map(\.organization).filter { $0.isDeleted != true }
    }

    public func organization(id: String) throws(APIError) -> Organization {
        try org(id, path: "/orgs/\(id)").organization
    }

    public func listAPIKeys(orgID: String, countMismatches: inout Int) throws(APIError) -> [APIKey] {
        try org(orgID, path: "/orgs/\(orgID)/apiKeys").keys
    }

    public func apiKey(orgID: String, keyID: String) throws(APIError) -> APIKey {
        let keys = try org(orgID, path: "/orgs/\(orgID)/apiKeys/\(keyID)").keys
        guard let key = keys.first(where: { $0.id == keyID }) else { throw Self.keyNotFound(keyID, path: "/orgs/\(orgID)/apiKeys/\(keyID)") }
        return key
    }

    public func listProjects(orgID: String) throws(APIError) -> [Project] {
        try org(orgID, path: "/orgs/\(orgID)/groups").projects
    }

    public func listAccessList(orgID: String, keyID: String) throws(APIError) -> [AccessListEntry] {
        let path = "/orgs/\(orgID)/apiKeys/\(keyID)/accessList"
        guard let list = try org(orgID, path: path).accessLists[keyID] else { throw Self.keyNotFound(keyID, path: path) }
        return list
    }

    public func listServiceAccounts(orgID: String) throws(APIError) -> [ServiceAccount] {
        try org(orgID, path: "/orgs/\(orgID)/serviceAccounts").serviceAccounts
    }

    public func listProjectServiceAccounts(projectID: String) throws(APIError) -> [ServiceAccount] {
        let path = "/groups/\(projectID)/serviceAccounts"
        try record(path)
        guard let accounts = orgs.lazy.compactMap({ $0.projectServiceAccounts[projectID] }).first else {
            throw .http(status: 404, body: AtlasErrorBody(error: 404, errorCode: "GROUP_NOT_FOUND",
                                                          detail: "No group with ID \(projectID) exists.", reason: "Not Found"),
                        url: "memory:" + path)
        }
        return accounts
    }

    public func listServiceAccountAccessList(orgID: String, clientID: String) throws(APIError) -> [AccessListEntry] {
        let path = "/orgs/\(orgID)/serviceAccounts/\(clientID)/accessList"
        return try org(orgID, path: path).serviceAccountAccessLists[clientID] ?? []
    }

    private func record(_ path: String) throws(APIError) {
        requests.append(path)
        if let failure = failures[path] { throw failure }
    }

    private func org(_ id: String, path: String) throws(APIError) -> Org {
        try record(path)
        guard let org = orgs.first(where: { $0.organization.id == id }) else {
            throw .http(status: 404, body: AtlasErrorBody(error: 404, errorCode: "ORG_NOT_FOUND",
                                                          detail: "No organization with ID \(id) exists.", reason: "Not Found"),
                        url: "memory:" + path)
        }
        return org
    }

    private static func keyNotFound(_ keyID: String, path: String) -> APIError {
        .http(status: 404, body: AtlasErrorBody(error: 404, errorCode: "API_KEY_NOT_FOUND",
                                                detail: "No API key with ID \(keyID) exists.", reason: "Not Found"),
              url: "memory:" + path)
    }
}
