/// A link of a list or resource answer; only `rel` and `href` are used.
public struct APILink: Decodable, Sendable, Equatable {
    public var rel: String?
    public var href: String?

    public init(rel: String? = nil, href: String? = nil) {
        self.rel = rel
        self.href = href
    }

    /// Whether `links` name a further page (`rel: "next"`), for every listing.
    static func hasNext(_ links: [APILink]?) -> Bool {
        links?.contains { $0.rel == "next" } ?? false
    }
}

/// One page of a paginated listing: `{"links":[...], "results":[...], "totalCount":N}`.
public struct ListPage<Element: Decodable & Sendable>: Decodable, Sendable {
    public var results: [Element]
    public var links: [APILink]?
    /// "An estimate and may not be exact" according to the API documentation; absent with `includeCount=false`.
    public var totalCount: Int?

    public init(results: [Element], links: [APILink]? = nil, totalCount: Int? = nil) {
        self.results = results
        self.links = links
        self.totalCount = totalCount
    }

    /// The API signals a further page with a `rel: "next"` link.
    public var hasNextPage: Bool { APILink.hasNext(links) }
}

/// An organization from `GET /orgs`.
public struct Organization: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var isDeleted: Bool?

    public init(id: String, name: String?, isDeleted: Bool? = nil) {
        self.id = id
        self.name = name
        self.isDeleted = isDeleted
    }
}

/// Where a role applies: the organization, or one project (group).
public enum RoleScope: Hashable, Sendable, Comparable {
    case organization
    case project(String)
}

/// One entry of a key's `roles` array. `roleName` is an open set: unknown names are kept as they are.
public struct RoleAssignment: Decodable, Sendable, Hashable, Comparable {
    public var scope: RoleScope
    public var roleName: String

    public init(scope: RoleScope, roleName: String) {
        self.scope = scope
        self.roleName = roleName
    }

    private enum CodingKeys: String, CodingKey {
        case orgId, groupId, roleName
    }

    /// An entry with a `groupId` is a project role; any other entry (normally with `orgId`) is an org role.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        roleName = try container.decode(String.self, forKey: .roleName)
        if let groupID = try container.decodeIfPresent(String.self, forKey: .groupId) {
            scope = .project(groupID)
        } else {
            scope = .organization
        }
    }

    public static func < (lhs: RoleAssignment, rhs: RoleAssignment) -> Bool {
        (lhs.scope, lhs.roleName) < (rhs.scope, rhs.roleName)
    }
}

/// A programmatic API key as listed by `GET /orgs/{ORG-ID}/apiKeys`.
///
/// The redacted `privateKey` field is deliberately not decoded: it is never stored, exported or logged.
public struct APIKey: Decodable, Sendable, Equatable {
    public var id: String
    public var publicKey: String
    public var desc: String
    public var roles: [RoleAssignment]

    public init(id: String, publicKey: String, desc: String, roles: [RoleAssignment]) {
        self.id = id
        self.publicKey = publicKey
        self.desc = desc
        self.roles = roles
    }

    private enum CodingKeys: String, CodingKey {
        case id, publicKey, desc, roles
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        publicKey = try container.decodeIfPresent(String.self, forKey: .publicKey) ?? ""
        desc = try container.decodeIfPresent(String.self, forKey: .desc) ?? ""
        roles = try container.decodeIfPresent([RoleAssignment].self, forKey: .roles) ?? []
    }
}

/// A project (group) from `GET /orgs/{ORG-ID}/groups`.
public struct Project: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String?

    public init(id: String, name: String?) {
        self.id = id
        self.name = name
    }
}

/// One entry of a key's IP access list (`GET /orgs/{ORG-ID}/apiKeys/{API-KEY-ID}/accessList`).
public struct AccessListEntry: Decodable, Sendable, Equatable {
    public var cidrBlock: String?
    public var ipAddress: String?
    /// ISO 8601 time of the last request through this entry; the API's only "last used" signal for a key.
    public var lastUsed: String?

    public init(cidrBlock: String?, ipAddress: String?, lastUsed: String?) {
        self.cidrBlock = cidrBlock
        self.ipAddress = ipAddress
        self.lastUsed = lastUsed
    }

    /// Entries have no id of their own; the address or block identifies one within a list.
    public var identity: String { cidrBlock ?? ipAddress ?? "" }
}
