import Foundation

/// An independent Atlas for the security posture collectors: Apache httpd (`ApacheServer`, Digest with realm "MMS
/// Public API") serving bodies written in the shapes of MongoDB's spec (`Tests/Fixtures/posture/`, see SOURCES.md)
/// under `/api/atlas/v2`. The layout:
///
/// - `/orgs`: two orgs, `fullOrgID` and `partialOrgID` (no `next` link, `totalCount` 2).
/// - both orgs: `/apiKeys`, `/serviceAccounts` and `/groups` are empty listings.
/// - `fullOrgID`: `/settings` has every field (access list, MFA and employee access required, a maximum secret
///   validity of 720 hours, and fields to ignore); `/events` holds one event of each new type (see `eventTypes`)
///   and one to ignore (`ORG_RENAMED`).
/// - `partialOrgID`: `/settings` leaves out `restrictEmployeeAccess`, `maxServiceAccountSecretValidityInHours` and
///   `streamsCrossGroupEnabled`, and requires neither an access list nor MFA; `/events` is an empty listing.
///
/// Everything else answers 404 (Apache's own page, not the API's JSON). Query strings are ignored (every page is
/// the same body). Apache labels every body `application/json`.
public enum PostureFixtures {
    public static let prefix = "/api/atlas/v2"
    public static let fullOrgID = "65f1c0a1b2c3d4e5f6a7b801"
    public static let partialOrgID = "65f1c0a1b2c3d4e5f6a7b802"
    /// What `fullOrgID`'s settings say: `apiAccessListRequired`, `multiFactorAuthRequired`,
    /// `restrictEmployeeAccess`, `maxServiceAccountSecretValidityInHours`.
    public static let fullSettings = (accessList: true, mfa: true, employeeAccess: true, maxValidityHours: 720)
    /// What `partialOrgID`'s settings say; the other two fields are left out.
    public static let partialSettings = (accessList: false, mfa: false)
    /// The event types of `fullOrgID`'s feed, one event each, newest first.
    public static let eventTypes = [
        "ORG_RENAMED", "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_DISABLED", "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED",
        "ORG_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRED", "ORG_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRING",
        "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRED", "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRING",
        "ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED", "ORG_UI_IP_ACCESS_LIST_DISABLED", "ORG_UI_IP_ACCESS_LIST_ENABLED",
        "ORG_EMPLOYEE_ACCESS_UNRESTRICTED", "ORG_EMPLOYEE_ACCESS_RESTRICTED", "ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED",
        "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED",
    ]
    /// The events made through delegated access: id → (the principal's id and name, on behalf of id and name).
    public static let delegatedEvents = [
        "69b4dd400000000000000e03": ("66aa00000000000000000d01", "Terraform Cloud (OAuth)",
                                     "5f1e0a000000000000000a01", "alice@example.com"),
        "69b4d6380000000000000e02": ("66aa00000000000000000d02", "Atlas Admin Assistant",
                                     "66ee000000000000000000b1", "robotkey"),
    ]

    /// The fixture `name` in `Tests/Fixtures/posture/`.
    public static func body(_ name: String) -> String {
        Repository.fixtureText("posture/\(name)")
    }

    /// Request paths to bodies, for `ApacheServer(files:)`; `withoutSettings` leaves out both `/settings` (an API
    /// without the resource: 404).
    public static func files(withoutSettings: Bool = false) -> [String: String] {
        var files = ["\(prefix)/orgs": body("organizations.json")]
        for org in [fullOrgID, partialOrgID] {
            for listing in ["apiKeys", "serviceAccounts", "groups"] {
                files["\(prefix)/orgs/\(org)/\(listing)"] = body("empty-listing.json")
            }
        }
        files["\(prefix)/orgs/\(fullOrgID)/events"] = body("events.json")
        files["\(prefix)/orgs/\(partialOrgID)/events"] = body("empty-listing.json")
        if !withoutSettings {
            files["\(prefix)/orgs/\(fullOrgID)/settings"] = body("settings-full.json")
            files["\(prefix)/orgs/\(partialOrgID)/settings"] = body("settings-partial.json")
        }
        return files
    }

    /// Starts Apache with the fixtures (blocks: call it through `offPool`). `refusals` as `ApacheServer`'s, e.g.
    /// `["/api/atlas/v2/orgs/\(partialOrgID)/settings": 403]`; `extraFiles` add or replace bodies.
    public static func start(users: [String: String] = [testPublicKey: testPrivateKey], withoutSettings: Bool = false,
                             refusals: [String: Int] = [:], extraFiles: [String: String] = [:]) throws -> ApacheServer {
        try ApacheServer(realm: "MMS Public API", users: users,
                         files: files(withoutSettings: withoutSettings).merging(extraFiles) { $1 }, refusals: refusals)
    }
}
