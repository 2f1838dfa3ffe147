/// One change of a credential the exporter counted, as the status page lists it. Descriptions come from the API:
/// hostile input, escaped when rendered, with known secrets redacted here.
public struct RecentChange: Sendable, Equatable {
    public var at: Double
    public var target: String
    /// Empty for a credential of the whole installation (Ops Manager's global keys).
    public var orgID: String
    public var orgName: String?
    /// The change, as its counter's `change` label spells it (`added`, `roles_changed`, ...).
    public var kind: String
    public var keyID: String
    public var publicKey: String
    public var description: String
    /// Roles as `ROLE` or `ROLE@project`, comma-separated.
    public var rolesBefore: String
    public var rolesAfter: String

    public init(at: Double, target: String, orgID: String, orgName: String?, kind: String, keyID: String,
                publicKey: String, description: String, rolesBefore: String, rolesAfter: String) {
        self.at = at
        self.target = target
        self.orgID = orgID
        self.orgName = orgName
        self.kind = kind
        self.keyID = keyID
        self.publicKey = publicKey
        self.description = description
        self.rolesBefore = rolesBefore
        self.rolesAfter = rolesAfter
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
