import Foundation

/// Who a target is, as the status page shows it: never a secret. The base URL loses any user info, query and
/// fragment; the credential is named by its public half (an API key's public key, a service account's client id).
public struct TargetIdentity: Sendable, Equatable {
    public var baseURL: String
    /// `API key` or `service account`.
    public var credentialKind: String
    public var credentialID: String

    public init(baseURL: String, credentials: TargetCredentials) {
        self.baseURL = Self.withoutSecrets(baseURL)
        switch credentials {
        case .apiKey(let digest):
            credentialKind = "API key"
            credentialID = digest.username
        case .serviceAccount(let account):
            credentialKind = "service account"
            credentialID = account.clientID
        }
    }

    /// `scheme://host[:port]/path` of `url`, and the known secrets redacted from what is left.
    static func withoutSecrets(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.host != nil else { return "(not a URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return SecretRedactor.shared.redactKnownSecrets(components.string ?? "(not a URL)")
    }
}

/// The last failure of one of an org's collectors, for the status page.
public struct OrgError: Sendable, Equatable {
    /// Messages are cut to this many characters: enough to read, not a whole error body.
    public static let maxMessageLength = 300

    public var collector: String
    /// `APIError.reason`, as `mongodb_api_keys_poll_errors_total` spells it.
    public var reason: String
    /// The error as logged, with secrets redacted and cut to `maxMessageLength`.
    public var message: String
    /// Unix time of the failure.
    public var at: Double

    public init(collector: String, error: APIError, at: Double = Date().timeIntervalSince1970) {
        self.collector = collector
        reason = error.reason
        let redacted = SecretRedactor.shared.redact("\(error)")
        message = redacted.count > Self.maxMessageLength ? String(redacted.prefix(Self.maxMessageLength)) + "…" : redacted
        self.at = at
    }
}

/// One key change the exporter counted, as the status page lists it. Descriptions come from the API: hostile input,
/// escaped when rendered, with known secrets already redacted here.
public struct RecentChange: Sendable, Equatable {
    public var at: Double
    public var target: String
    public var orgID: String
    public var orgName: String?
    public var kind: ChangeKind
    public var keyID: String
    public var publicKey: String
    public var description: String
    public var rolesBefore: String
    public var rolesAfter: String

    public init(_ change: KeyChange, at: Double, target: String, orgID: String, orgName: String?) {
        let key = change.after ?? change.before
        self.at = at
        self.target = target
        self.orgID = orgID
        self.orgName = orgName
        kind = change.kind
        keyID = change.keyID
        publicKey = key?.publicKey ?? ""
        description = SecretRedactor.shared.redactKnownSecrets(key?.desc ?? "")
        rolesBefore = KeyListing.format(change.before?.roles)
        rolesAfter = KeyListing.format(change.after?.roles)
    }
}

/// The last `capacity` changes, oldest first; older ones are dropped as new ones come, so memory stays bounded.
public struct RecentChanges: Sendable {
    public static let capacity = 50
    public private(set) var oldestFirst: [RecentChange] = []

    public init() {}

    public mutating func append(contentsOf changes: [RecentChange]) {
        oldestFirst.append(contentsOf: changes.suffix(Self.capacity))
        if oldestFirst.count > Self.capacity { oldestFirst.removeFirst(oldestFirst.count - Self.capacity) }
    }

    /// The changes of several targets merged, newest first, at most `capacity`.
    public static func merged(_ lists: [RecentChanges]) -> [RecentChange] {
        let all = lists.flatMap(\.oldestFirst).enumerated()
        // Newest first; among changes of the same time, the later appended first (a stable, deterministic order).
        let sorted = all.sorted { ($0.element.at, $0.offset) > ($1.element.at, $1.offset) }
        return sorted.prefix(capacity).map(\.element)
    }
}
