/// What the activity feed of one org has shown: events counted (by id, never twice), keys seen in listings, keys
/// created and not yet seen anywhere, the transient ones found, and the organization's security events. Service account events are counted by type
/// only: no field of theirs names the account (see `ActivityEvent`).
struct ActivityFeedState: Sendable {
    /// The key event types exported at 0 from the first successful read; other `API_KEY_*` types are counted too.
    static let knownTypes = APIKeyEventType.allCases.map(\.rawValue)
    /// The service account event types of an org's feed, as MongoDB's v2 OpenAPI spec enumerates them
    /// (`ServiceAccountEventTypeViewForOrg`): exported at 0 from the first successful read where service accounts
    /// apply; other `SERVICE_ACCOUNT_*` types are counted too.
    static let knownServiceAccountTypes = [
        "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_ADDED", "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_DELETED", "SERVICE_ACCOUNT_ADDED_TO_GROUP",
        "SERVICE_ACCOUNT_CREATED", "SERVICE_ACCOUNT_DELETED", "SERVICE_ACCOUNT_DETAILS_CHANGED", "SERVICE_ACCOUNT_REMOVED_FROM_GROUP",
        "SERVICE_ACCOUNT_ROLES_CHANGED", "SERVICE_ACCOUNT_SECRET_ADDED", "SERVICE_ACCOUNT_SECRET_DELETED",
        "SERVICE_ACCOUNT_UI_IP_ACCESS_LIST_INHERITANCE_DISABLED", "SERVICE_ACCOUNT_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED",
    ]
    /// The organization events that change how API access is guarded (MongoDB's spec, `OrgEventTypeViewForOrg`):
    /// counted by type and exported at 0 from the first successful read; other `ORG_*` events are not read.
    static let orgSecurityTypes: Set<String> = [
        "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED", "ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED", "ORG_EMPLOYEE_ACCESS_RESTRICTED",
        "ORG_EMPLOYEE_ACCESS_UNRESTRICTED", "ORG_UI_IP_ACCESS_LIST_ENABLED", "ORG_UI_IP_ACCESS_LIST_DISABLED",
        "ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED", "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRING",
        "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRED", "ORG_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRING",
        "ORG_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRED",
    ]
    static let keyPrefix = APIKeyEventType.prefix
    static let serviceAccountPrefix = "SERVICE_ACCOUNT_"
    /// How many event ids are remembered: far more than a few polls of a busy org produce; the oldest go first.
    /// The same bound holds the keys created and not yet listed, and (beyond the current listing) the keys listed
    /// before: memory stays bounded whatever the feed sends.
    static let seenLimit = 20_000
    /// Types beyond the known ones counted under their own names, per family and org; an API inventing more (a
    /// label value each) has the rest counted under `API_KEY_OTHER` / `SERVICE_ACCOUNT_OTHER`.
    static let otherTypeLimit = 64

    /// Which events were counted and where the next read starts (dedupe by id, overlap, catch-up: the seam's
    /// `EventFeedCursor`, shared with the project feed).
    var cursor = EventFeedCursor()
    /// Event id → its time; pruned to `seenLimit`, oldest first.
    var seen: [String: Double] {
        get { cursor.seen }
        set { cursor.seen = newValue }
    }
    /// Where the next read starts (before the overlap): the latest read's start.
    var readFrom: Double? {
        get { cursor.readFrom }
        set { cursor.readFrom = newValue }
    }
    /// Key events by type; nil until the first successful read.
    var eventCounts: [String: Int]?
    /// Service account events by type; nil until the first successful read. Where service accounts do not apply,
    /// empty until one is read.
    var serviceAccountEventCounts: [String: Int]?
    /// Organization security events by type (`orgSecurityTypes`); nil until the first successful read.
    var orgSecurityEventCounts: [String: Int]?
    /// OAuth audit events by type (`OAuthEventType.all`); nil until the first successful read.
    var oauthEventCounts: [String: Int]?
    var transientCount = 0
    /// Unix time counting started (OpenMetrics `_created`).
    var countedSince: Double?
    /// Public keys ever seen in a listing of the org (a key seen there was not transient).
    var listedPublicKeys: Set<String> = []
    /// Public key → when it was created, for keys created and not (yet) seen in a listing or deleted.
    var createdUnlisted: [String: Double] = [:]
    /// The newest event of each type about each key, to name who made a change the listing shows (bounded like
    /// `seen`).
    var actors = ChangeActors()

    /// Counts the key and service account events not counted before, oldest first; returns them (to be logged) and
    /// the public keys found transient: created and deleted, never in a listing. `serviceAccounts`: whether the
    /// target has service accounts, so that their known types are exported at 0.
    mutating func record(_ events: [ActivityEvent], listed: Set<String>, at time: Double, serviceAccounts: Bool = false)
        -> (new: [ActivityEvent], transient: [String]) {
        // Keys listed before and no longer listed matter only while their events can still arrive (the overlap): past
        // the bound, only the current listing is kept.
        if listedPublicKeys.count > listed.count + Self.seenLimit { listedPublicKeys = listed }
        listedPublicKeys.formUnion(listed)
        for key in listed { createdUnlisted[key] = nil }
        var counts = eventCounts ?? Dictionary(uniqueKeysWithValues: Self.knownTypes.map { ($0, 0) })
        var accountCounts = serviceAccountEventCounts ?? [:]
        var securityCounts = orgSecurityEventCounts ?? Dictionary(uniqueKeysWithValues: Self.orgSecurityTypes.map { ($0, 0) })
        var oauthCounts = oauthEventCounts ?? Dictionary(uniqueKeysWithValues: OAuthEventType.all.map { ($0, 0) })
        if serviceAccounts {
            for type in Self.knownServiceAccountTypes where accountCounts[type] == nil { accountCounts[type] = 0 }
        }
        if countedSince == nil { countedSince = time }
        var new: [ActivityEvent] = []
        var transient: [String] = []
        for event in events.sorted(by: { ($0.created ?? 0, $0.id) < ($1.created ?? 0, $1.id) }) {
            let type = event.eventTypeName
            let isKeyEvent = type.hasPrefix(Self.keyPrefix)
            let isSecurityEvent = Self.orgSecurityTypes.contains(type)
            let isOAuthEvent = OAuthEventType.all.contains(type)
            guard isKeyEvent || isSecurityEvent || isOAuthEvent || type.hasPrefix(Self.serviceAccountPrefix) else { continue }
            if isKeyEvent, let target = event.targetPublicKey {
                actors.record(ChangeActor(actor: event.actor, remoteAddress: event.remoteAddress ?? "", time: event.created,
                                          delegatePrincipal: event.delegatePrincipal),
                              eventType: type, subject: target)
            }
            guard cursor.admit(event.id, at: event.created ?? time) else { continue }
            new.append(event)
            if isSecurityEvent {
                securityCounts[type, default: 0] += 1
                continue
            }
            if isOAuthEvent {
                oauthCounts[type, default: 0] += 1
                continue
            }
            guard isKeyEvent else {
                accountCounts[Self.countedType(type, in: accountCounts, known: Self.knownServiceAccountTypes,
                                               other: Self.serviceAccountPrefix + "OTHER"), default: 0] += 1
                continue
            }
            counts[Self.countedType(type, in: counts, known: Self.knownTypes, other: Self.keyPrefix + "OTHER"), default: 0] += 1
            guard let target = event.targetPublicKey else { continue }
            switch event.eventTypeName {
            case APIKeyEventType.created.rawValue where !listedPublicKeys.contains(target):
                createdUnlisted[target] = event.created ?? time
            case APIKeyEventType.deleted.rawValue:
                if createdUnlisted.removeValue(forKey: target) != nil, !listedPublicKeys.contains(target) {
                    transient.append(target)
                    transientCount += 1
                }
            default:
                break
            }
        }
        eventCounts = counts
        serviceAccountEventCounts = accountCounts
        orgSecurityEventCounts = securityCounts
        oauthEventCounts = oauthCounts
        pruneSeen()
        return (new, transient)
    }

    /// `type`, or the family's "other" once `otherTypeLimit` unknown types are counted.
    private static func countedType(_ type: String, in counts: [String: Int], known: [String], other: String) -> String {
        guard counts[type] == nil, !known.contains(type) else { return type }
        let unknown = counts.count - known.reduce(0) { $0 + (counts[$1] == nil ? 0 : 1) } - (counts[other] == nil ? 0 : 1)
        return unknown < otherTypeLimit ? type : other
    }

    /// Keeps the newest `seenLimit` event ids, latest events and keys created but not listed.
    private mutating func pruneSeen() {
        if createdUnlisted.count > Self.seenLimit {
            let keep = createdUnlisted.sorted { $0.value > $1.value }.prefix(Self.seenLimit)
            createdUnlisted = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
        cursor.prune(to: Self.seenLimit)
        actors.prune(to: Self.seenLimit)
    }
}

extension OrgStatus {
    var activityFeed: ActivityFeedState? {
        get { collected[ActivityFeedState.self] }
        set { collected[ActivityFeedState.self] = newValue }
    }
}
