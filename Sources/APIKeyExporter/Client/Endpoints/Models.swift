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

/// One entry of a key's or a service account's IP access list (`GET /orgs/{ORG-ID}/apiKeys/{API-KEY-ID}/accessList`,
/// `.../serviceAccounts/{CLIENT-ID}/accessList`). The two kinds name their use differently: a key's entry has
/// `count` and `lastUsed` (both left out while unused), an account's `requestCount` and `lastUsedAt`.
public struct AccessListEntry: Decodable, Sendable, Equatable {
    public var cidrBlock: String?
    public var ipAddress: String?
    /// ISO 8601 time of the last request through a key's entry; the API's only "last used" signal for a key.
    public var lastUsed: String?
    /// The same for a service account's entry.
    public var lastUsedAt: String?
    /// Requests through a key's entry, as MongoDB counts them.
    public var count: Int?
    /// Requests through a service account's entry.
    public var requestCount: Int?
    /// The address the last request through the entry came from.
    public var lastUsedAddress: String?

    public init(cidrBlock: String?, ipAddress: String?, lastUsed: String?, count: Int? = nil,
                lastUsedAddress: String? = nil) {
        self.cidrBlock = cidrBlock
        self.ipAddress = ipAddress
        self.lastUsed = lastUsed
        self.count = count
        self.lastUsedAddress = lastUsedAddress
    }

    /// Entries have no id of their own; the address or block identifies one within a list.
    public var identity: String { cidrBlock ?? ipAddress ?? "" }

    /// When the entry was last used (Unix seconds), whichever kind it is; nil while never used or unreadable.
    var lastUsedSeconds: Double? { ISOTime.seconds(lastUsed ?? lastUsedAt) }
}

/// Who uses a credential, from its access-list entries: the requests MongoDB counted through them, and the
/// address of the latest. Both nil while no entry was ever used.
public struct AccessListUsage: Sendable, Equatable {
    /// The sum of the entries' request counts (`count` or `requestCount`); saturates rather than overflows.
    public var requests: Int?
    /// The `lastUsedAddress` of the most recently used entry (the first listed on a tie), cut to
    /// `addressLimit` characters: it becomes a label value.
    public var lastUsedAddress: String?

    static let addressLimit = 64

    public init(requests: Int?, lastUsedAddress: String?) {
        self.requests = requests
        self.lastUsedAddress = lastUsedAddress
    }

    public init(_ entries: [AccessListEntry]) {
        var total = 0
        var used = false
        var latest: (time: Double, address: String?)?
        for entry in entries {
            let entryRequests = max(0, entry.count ?? entry.requestCount ?? 0)
            let time = entry.lastUsedSeconds
            guard entryRequests > 0 || time != nil else { continue }
            used = true
            let (sum, overflow) = total.addingReportingOverflow(entryRequests)
            total = overflow ? Int.max : sum
            if let time, latest.map({ time > $0.time }) ?? true {
                latest = (time, entry.lastUsedAddress)
            }
        }
        requests = used ? total : nil
        lastUsedAddress = latest?.address.map { String($0.prefix(Self.addressLimit)) }
    }
}
