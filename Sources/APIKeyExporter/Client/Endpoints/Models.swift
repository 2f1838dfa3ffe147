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
