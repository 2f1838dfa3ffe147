#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport

/// The Admin API endpoints of one base URL (Atlas v1.0 or v2, Cloud Manager, Ops Manager), over HTTP.
///
/// Three parts: `APITransport` sends each request (one reused libcurl handle, credentials, retries, rate-limit
/// waits, counting), `Pagination` reads listings page by page and holds them to the paging rules, and this type
/// offers the typed calls: one resource, a whole listing, a listing read into a table. Each collector's folder
/// holds its own endpoints as an extension of this type (`AtlasClient+Keys.swift` and so on); only what every
/// collector shares is here: the organizations the poller discovers.
///
/// Every method blocks while libcurl transfers: call them from a Dispatch queue (see `BlockingIO`), one call at
/// a time.
public final class AtlasClient {
    public let baseURL: String
    /// The path of `baseURL` (e.g. `/api/atlas/v2`): Digest signs the request target, not the whole URL.
    private let basePath: String
    private let acceptHeader: String
    private let transport: APITransport
    private let pagination: Pagination
    private let decoder = ResponseDecoder()
    /// Replaces known secrets in every body before it is decoded (`RedactedResponse`).
    private let redactor = SecretRedactor.shared
    /// Listings this client accepted although their length differed from `totalCount`, since it was made: the seam
    /// reads it around each collector's run, so every collector's listings are counted alike.
    public private(set) var listingCountMismatches = 0

    /// A client signing requests with an API key (Digest), or with none.
    public convenience init(
        baseURL: String,
        credentials: DigestCredentials?,
        options: TransportOptions = TransportOptions(),
        requestCounter: RequestCounter = RequestCounter(),
        retryBudget: RetryBudget = RetryBudget(),
        cpuGate: CPUGate = CPUGate(width: 1)
    ) {
        self.init(baseURL: baseURL, authenticator: credentials.map(DigestSigner.init), options: options,
                  requestCounter: requestCounter, retryBudget: retryBudget, cpuGate: cpuGate)
    }

    /// A client for one target: API key or service account. Give the clients of one target the same `tokens`
    /// (for a service account), `requestCounter` and `retryBudget`, and every client the process's `cpuGate`.
    public convenience init(
        baseURL: String,
        credentials: TargetCredentials,
        tokens: ServiceAccountTokens?,
        options: TransportOptions,
        requestCounter: RequestCounter,
        retryBudget: RetryBudget,
        cpuGate: CPUGate = CPUGate(width: 1)
    ) {
        let authenticator: any RequestAuthenticator
        switch credentials {
        case .apiKey(let digest):
            authenticator = DigestSigner(credentials: digest)
        case .serviceAccount(let account):
            authenticator = BearerAuthenticator(tokens: tokens ?? ServiceAccountTokens(
                credentials: account, options: options, requestCounter: requestCounter))
        }
        self.init(baseURL: baseURL, authenticator: authenticator, options: options, requestCounter: requestCounter,
                  retryBudget: retryBudget, cpuGate: cpuGate)
    }

    init(
        baseURL: String,
        authenticator: (any RequestAuthenticator)?,
        options: TransportOptions,
        requestCounter: RequestCounter,
        retryBudget: RetryBudget,
        cpuGate: CPUGate
    ) {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.baseURL = trimmed
        self.basePath = URLComponents(string: trimmed)?.percentEncodedPath ?? ""
        self.acceptHeader = Self.acceptHeader(forBaseURL: trimmed)
        self.transport = APITransport(options: options, authenticator: authenticator, requestCounter: requestCounter,
                                      retryBudget: retryBudget)
        self.pagination = Pagination(limits: options.listingLimits, cpuGate: cpuGate)
    }

    /// Atlas v2 requires its versioned media type; every v1.0 API (Atlas, Cloud and Ops Manager) wants plain JSON.
    public static func acceptHeader(forBaseURL baseURL: String) -> String {
        APIFlavor(baseURL: baseURL) == .atlasV2 ? "application/vnd.atlas.2023-01-01+json" : "application/json"
    }

    public func listOrganizations() throws(APIError) -> [Organization] {
        try listAll(path: "/orgs", id: \Organization.id).filter { $0.isDeleted != true }
    }

    public func organization(id: String) throws(APIError) -> Organization {
        try get(path: "/orgs/\(Self.escapePathSegment(id))", query: [])
    }

    /// One page of a listing. Exposed for tests of the API's own parameter checks.
    public func page<Element: Decodable & Sendable>(
        path: String, pageNum: Int, itemsPerPage: Int, of: Element.Type = Element.self
    ) throws(APIError) -> ListPage<Element> {
        try get(path: path, query: [("itemsPerPage", String(itemsPerPage)), ("pageNum", String(pageNum))])
    }

    /// Every element of the listing at `path`, read by `pagination` through this client's transport; `accept`
    /// replaces the base URL's media type (the service-account endpoints want their own version).
    func listAll<Element: Decodable & Sendable>(
        path: String, id: KeyPath<Element, String>, countMismatches: inout Int, accept: String? = nil,
        filters: [(String, String)] = []
    ) throws(APIError) -> [Element] {
        let before = countMismatches
        defer { listingCountMismatches += countMismatches - before }
        return try pagination.readListing(
            url: baseURL + path, id: id, countMismatches: &countMismatches,
            fetch: { (query, maxBodyBytes) throws(APIError) -> (RedactedResponse, String) in
                try getSuccessful(path: path, query: filters + query, maxBodyBytes: maxBodyBytes, accept: accept)
            },
            decode: { (response, url) throws(APIError) -> ListPage<Element> in
                try decoder.decode(response, url: url)
            })
    }

    /// Same as above, for listings whose count mismatches nobody counts (organizations, projects, access lists).
    func listAll<Element: Decodable & Sendable>(path: String, id: KeyPath<Element, String>) throws(APIError) -> [Element] {
        var mismatches = 0
        return try listAll(path: path, id: id, countMismatches: &mismatches)
    }

    /// Every item of the listing at `path` read into `Builder`'s compact form instead of one value per item;
    /// `decode` reads one page into the builder (see `Pagination.readTable`).
    func readTable<Builder: ListingBuilder>(
        path: String, countMismatches: inout Int,
        decode: (RedactedResponse, String, inout Builder) throws(APIError) -> PageSummary
    ) throws(APIError) -> Builder.Listing {
        let before = countMismatches
        defer { listingCountMismatches += countMismatches - before }
        return try pagination.readTable(
            url: baseURL + path, countMismatches: &countMismatches,
            fetch: { (query, maxBodyBytes) throws(APIError) -> (RedactedResponse, String) in
                try getSuccessful(path: path, query: query, maxBodyBytes: maxBodyBytes, accept: nil)
            },
            decode: decode)
    }

    /// Decodes a page JSONDecoder's way, naming the bad field of a malformed one.
    func decodePage<Element: Decodable & Sendable>(_ response: RedactedResponse, url: String) throws(APIError) -> ListPage<Element> {
        try decoder.decode(response, url: url)
    }

    /// One resource at `path`; `accept` replaces the base URL's media type (for endpoints with their own version).
    func get<Body: Decodable>(path: String, query: [(String, String)] = [], accept: String? = nil) throws(APIError) -> Body {
        let (response, url) = try getSuccessful(path: path, query: query, accept: accept)
        return try pagination.cpuGate.run { () throws(APIError) -> Body in try decoder.decode(response, url: url) }
    }

    /// A 2xx answer to a GET (after retries), redacted, and its URL; any other status is thrown with the API's error
    /// body.
    func getSuccessful(path: String, query: [(String, String)], maxBodyBytes: Int? = nil,
                       accept: String? = nil) throws(APIError) -> (RedactedResponse, String) {
        let target = requestTarget(path: path, query: query)
        let url = baseURL + target.dropFirst(basePath.count)
        let response = try transport.get(url: url, requestTarget: target, headers: ["Accept: \(accept ?? acceptHeader)"],
                                         maxBodyBytes: maxBodyBytes)
        return (RedactedResponse(try response.requiringStatus(in: 200..<300, url: url), redactor: redactor), url)
    }

    /// Path and query as they go on the request line, e.g. `/api/atlas/v2/orgs?itemsPerPage=500&pageNum=1`.
    private func requestTarget(path: String, query: [(String, String)]) -> String {
        guard !query.isEmpty else { return basePath + path }
        return basePath + path + "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Ids come from configuration or from the API itself; escape them so neither can change the path. Query values
    /// (a date's `:` and `+`) go through the same encoding.
    static func escapePathSegment(_ segment: String) -> String {
        // No "." either: `..` must never become a dot segment that libcurl (RFC 3986) would resolve upwards.
        segment.percentEncoded { $0.isUnreserved && $0 != UInt8(ascii: ".") }
    }
}
