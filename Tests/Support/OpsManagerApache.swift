import Foundation

/// An independent Ops Manager for the exporter: Apache httpd (`ApacheServer`, Digest with realm "MMS Public API")
/// serving the bodies MongoDB's own Go client records in its tests (`Tests/Fixtures/opsmanager/`, see SOURCES.md)
/// under `/api/public/v1.0`. The layout:
///
/// - `/orgs`: two orgs, `firstOrgID` and `secondOrgID` (recorded, no `next` link, `totalCount` 2).
/// - first org: `/apiKeys` the recorded org key listing (2 keys), `/groups` the recorded project listing (one
///   project, `recordedProjectID`, whose agent key listing is an empty array).
/// - second org: no org keys; one project, `agentProjectID` (the project of the recorded agent keys), whose
///   `/agentapikeys` is the recorded bare array of 3 keys.
/// - `/admin/apiKeys`: the recorded global keys (2, no `links`, `totalCount` 2); the global access list (1 entry) at
///   `/admin/accessList` or, as before Ops Manager 5.0, only at `/admin/whitelist`.
///
/// Everything else answers 404. Query strings are ignored (every page is the same body).
public enum OpsManagerFixtures {
    public static let prefix = "/api/public/v1.0"
    public static let firstOrgID = "56a10a80e4b0fd3b9a9bb0c2"
    public static let secondOrgID = "56aa691ce4b0a0e8c4be51f7"
    /// The project of the recorded project listing; the recording gives it the same id as the first org.
    public static let recordedProjectID = "56a10a80e4b0fd3b9a9bb0c2"
    public static let agentProjectID = "5e66185d917b220fbd8bb4d1"
    public static let globalKeyIDs = ["5c47503320eef5699e1cce8d", "5c47503320eef5699e1cce8f"]
    /// The recorded org key listing reuses the global keys' ids, public keys and masked private keys; only the
    /// roles differ (`GROUP_OWNER` in group "1" and `ORG_MEMBER` in org "1", for both keys).
    public static let orgKeyIDs = ["5c47503320eef5699e1cce8d", "5c47503320eef5699e1cce8f"]
    public static let accessListEntryID = "5f3cf81b89034c6b3c0a528e"
    public static let agentKeyIDs = ["1", "2", "3"]

    /// Where the global access list is served.
    public enum AccessListPath: Sendable {
        /// `/admin/accessList` (Ops Manager 5.0 and later); `/admin/whitelist` is 404.
        case accessList
        /// `/admin/whitelist` only (before 5.0); `/admin/accessList` is 404.
        case whitelist
    }

    /// The fixture `name` in `Tests/Fixtures/opsmanager/`.
    public static func body(_ name: String) -> String {
        Repository.fixtureText("opsmanager/\(name)")
    }

    /// Request paths to bodies, for `ApacheServer(files:)`.
    public static func files(accessList: AccessListPath = .accessList) -> [String: String] {
        var files = [
            "\(prefix)/orgs": body("organizations.json"),
            "\(prefix)/orgs/\(firstOrgID)/apiKeys": body("org-api-keys.json"),
            "\(prefix)/orgs/\(firstOrgID)/groups": body("org-projects.json"),
            "\(prefix)/orgs/\(secondOrgID)/apiKeys": body("empty-listing.json"),
            "\(prefix)/orgs/\(secondOrgID)/groups": body("org-projects-second.json"),
            "\(prefix)/groups/\(recordedProjectID)/agentapikeys": body("agent-api-keys-empty.json"),
            "\(prefix)/groups/\(agentProjectID)/agentapikeys": body("agent-api-keys.json"),
            "\(prefix)/admin/apiKeys": body("global-api-keys.json"),
        ]
        switch accessList {
        case .accessList: files["\(prefix)/admin/accessList"] = body("global-access-list.json")
        case .whitelist: files["\(prefix)/admin/whitelist"] = body("global-whitelist.json")
        }
        return files
    }

    /// Starts Apache with the fixtures (blocks: call it through `offPool`). `refusals` as `ApacheServer`'s, e.g.
    /// `["/api/public/v1.0/admin": 401]` for a key without a global role; `extraFiles` add or replace bodies.
    public static func start(users: [String: String] = [testPublicKey: testPrivateKey],
                             accessList: AccessListPath = .accessList, refusals: [String: Int] = [:],
                             extraFiles: [String: String] = [:]) throws -> ApacheServer {
        try ApacheServer(realm: "MMS Public API", users: users,
                         files: files(accessList: accessList).merging(extraFiles) { $1 }, refusals: refusals)
    }
}
