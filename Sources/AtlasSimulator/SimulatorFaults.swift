/// Faults the simulator can inject, to test how a client copes with a misbehaving API.
public struct SimulatorFaults: Sendable, Equatable {
    /// Page 2 and later repeat the last key of the previous page (the listing shifted between two pages).
    public var duplicateKeyAcrossPages = false
    /// Pages after this one carry no `next` link, whatever `totalCount` says.
    public var omitNextLinkAfterPage: Int?
    /// Every request gets a 503, as during an outage.
    public var serviceUnavailable = false
    /// Pages after the first report one more item in `totalCount`, as if a key was created mid-listing.
    public var totalCountDrift = false
    /// The next `burstCount` authenticated requests get `burstStatus` (with `Retry-After: burstRetryAfter` if set).
    public var burstStatus = 503
    public var burstCount = 0
    public var burstRetryAfter: String?
    /// Every Digest response is refused, as after the key was revoked.
    public var rejectCredentials = false
    /// Answers are held back this long, as by a server that hangs.
    public var responseDelay: Duration?
    /// Key pages come as JSON cut off in the middle (a complete HTTP response with a malformed body).
    public var malformedKeyPages = false
    /// Key pages promise more bytes (Content-Length) than they send before the connection closes.
    public var truncatedKeyPages = false
    /// The key listing shows these versions of keys (by id), as a listing that lags behind the keys would.
    public var staleListing: [String: SimulatedKey] = [:]
    /// `GET /orgs/{id}/apiKeys/{keyId}` answers 404 for these key ids.
    public var hiddenFromGetOne: Set<String> = []
    /// Requests whose path ends with a key here (e.g. `/groups`, `/accessList`) get that status and an error body.
    public var statusForPathSuffix: [String: Int] = [:]

    /// Key listings never end: every page holds 500 new keys whose descriptions are this many bytes, with a `next`
    /// link, as a broken or hostile server would send.
    public var endlessKeyPagesDescriptionBytes: Int?
    /// Every page reports `totalCount` off by this much, as an estimate may be (the listing itself is complete).
    public var totalCountOffset = 0
    /// Once this many key pages have been served, the first key of the org being listed is deleted (once), as if
    /// someone deleted a key while a listing was read.
    public var deleteFirstKeyAfterKeyPages: Int?
    /// `GET /orgs` also lists organizations with these ids (e.g. `..`), as a hostile server could.
    public var extraOrgIDs: [String] = []
    /// The next this-many successful answers say the rate-limit window is spent: `RateLimit-Remaining: 0` and
    /// `RateLimit-Reset: exhaustedWindowReset` (seconds).
    public var exhaustedWindowResponses = 0
    public var exhaustedWindowReset = 2
    /// Every 4xx and 5xx answer (token endpoint included) carries the request's headers in its `detail`,
    /// `Authorization` too, as an API that echoes requests in its errors would.
    public var echoRequestHeadersInErrors = false
    /// Appended to every free-text field of every 2xx body (names, descriptions, addresses, usernames), as an API
    /// echoing whatever a user typed would: a credential put there must not leave the exporter.
    public var textSuffix: String?
    /// `GET /orgs/{id}/events` answers 403 `USER_UNAUTHORIZED` to every credential, as to one without the
    /// Organization Member role.
    public var refuseEvents = false
    /// `GET /orgs/{id}/events` answers 403 `USER_UNAUTHORIZED` to these Digest users (public keys) only.
    public var usersWithoutEventAccess: Set<String> = []
    /// Projects whose activity feed answers 403 (a key without Project Read Only there).
    public var refusedProjectFeeds: Set<String> = []
    /// On Ops Manager, `/admin/...` refuses these Digest users (public keys) with `globalRoleRefusalStatus`, as it
    /// refuses an organization key, which holds no global role. 401 comes with a challenge, as a refusal the
    /// right credentials cannot clear.
    public var usersWithoutGlobalRole: Set<String> = []
    public var globalRoleRefusalStatus = 403
    /// What Cloud Manager answers to `/admin/...`, which it does not have. 404 by default: no recorded answer of
    /// the real service was found; 401 (with a challenge) or 403 to test a client against the others.
    public var cloudManagerAdminStatus = 404
    /// `GET /orgs/{id}/settings` answers 404 for every org, as an API without the resource would.
    public var settingsNotFound = false
    /// Every org answers 404 to `/delegationSettings` alone (an API with settings but no delegated access).
    public var delegationSettingsNotFound = false
    /// Every MCP configuration endpoint answers 404 (an Atlas without the feature).
    public var mcpConfigsNotFound = false
    /// `GET /orgs/{id}/settings` answers 403 `USER_UNAUTHORIZED` to these Digest users (public keys) only.
    public var usersWithoutSettingsAccess: Set<String> = []

    public init() {}
}

/// What the simulator has served, for tests and benchmarks.
public struct SimulatorStats: Sendable, Equatable {
    public var requests = 0
    public var challenges = 0
    /// Challenges with `stale=true`: the credentials were right but the nonce had expired.
    public var staleChallenges = 0
    public var okResponses = 0
    public var keyPages = 0
    public var tokenRequests = 0
    public var singleKeyRequests = 0
    public var accessListRequests = 0
    /// Requests to any service account endpoint, under every prefix.
    public var serviceAccountRequests = 0
    /// Requests to the model API key listing, on any prefix.
    public var aiModelKeyRequests = 0
    /// Requests to `/orgs/{id}/settings`, under every prefix, whatever the answer.
    public var settingsRequests = 0
    /// Requests to `/orgs/{id}/delegationSettings`, under every prefix, whatever the answer.
    public var delegationSettingsRequests = 0
    /// Requests to any MCP configuration endpoint, under every prefix.
    public var mcpConfigRequests = 0
    /// Requests to an Ops Manager credential path (`AtlasSimulator.isOpsManagerPath`) under any prefix, routed or
    /// not, counted before authentication: never forgotten, unlike `recentRequests`.
    public var opsManagerPathRequests = 0
    /// The last `pathMemory` requests (path and arrival), oldest first.
    public var recentRequests: [SimulatorRequest] = []
    static let pathMemory = 2000
    /// When each request answered from a burst (e.g. a 429) arrived.
    public var burstArrivals: [ContinuousClock.Instant] = []

    public var recentPaths: [String] { recentRequests.map(\.path) }
}

/// One request the simulator received.
public struct SimulatorRequest: Sendable, Equatable {
    public var path: String
    public var arrival: ContinuousClock.Instant
}
