import Foundation

/// Talks to one Admin API base URL (Atlas v1.0 or v2, Cloud Manager, Ops Manager) over one reused libcurl handle.
///
/// Every method blocks while libcurl transfers: call them from a Dispatch queue, one call at a time.
public final class AtlasClient {
    /// The API's maximum page size; fewer pages means fewer requests against the rate limits.
    public static let maxItemsPerPage = 500
    /// A listing longer than this many pages (2.5 million keys) is treated as a server loop.
    public static let maxPages = 5_000
    /// Listings stop with `.tooLarge` past these bounds; see `ListingLimits`.
    let listingLimits: ListingLimits

    public let baseURL: String
    /// The path of `baseURL` (e.g. `/api/atlas/v2`): Digest signs the request target, not the whole URL.
    private let basePath: String
    private let acceptHeader: String
    private let handle: CurlEasyHandle
    private let authenticator: (any RequestAuthenticator)?
    private let requestCounter: RequestCounter
    private let retryPolicy: RetryPolicy
    private let retryBudget: RetryBudget
    private let decoder = JSONDecoder()
    /// Where page decoding waits for a core (see `CPUGate`).
    let cpuGate: CPUGate = .shared
    /// Shares the project ids and role names of the keys this client lists (see `StringInterner`).
    private var interner = StringInterner()

    /// A client signing requests with an API key (Digest), or with none.
    public convenience init(
        baseURL: String,
        credentials: DigestCredentials?,
        options: TransportOptions = TransportOptions(),
        requestCounter: RequestCounter = RequestCounter(),
        retryBudget: RetryBudget = RetryBudget()
    ) {
        self.init(baseURL: baseURL, authenticator: credentials.map(DigestSigner.init), options: options,
                  requestCounter: requestCounter, retryBudget: retryBudget)
    }

    /// A client for one target: API key or service account. Give the clients of one target the same `tokens`
    /// (for a service account), `requestCounter` and `retryBudget`.
    public convenience init(
        baseURL: String,
        credentials: TargetCredentials,
        tokens: ServiceAccountTokens?,
        options: TransportOptions,
        requestCounter: RequestCounter,
        retryBudget: RetryBudget
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
                  retryBudget: retryBudget)
    }

    init(
        baseURL: String,
        authenticator: (any RequestAuthenticator)?,
        options: TransportOptions,
        requestCounter: RequestCounter,
        retryBudget: RetryBudget
    ) {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.baseURL = trimmed
        self.basePath = URLComponents(string: trimmed)?.percentEncodedPath ?? ""
        self.acceptHeader = Self.acceptHeader(forBaseURL: trimmed)
        self.handle = CurlEasyHandle(options: options)
        self.authenticator = authenticator
        self.requestCounter = requestCounter
        self.retryPolicy = options.retry
        self.retryBudget = retryBudget
        self.listingLimits = options.listingLimits
    }

    /// Atlas v2 requires its versioned media type; every v1.0 API (Atlas, Cloud and Ops Manager) wants plain JSON.
    public static func acceptHeader(forBaseURL baseURL: String) -> String {
        baseURL.hasSuffix("/api/atlas/v2") ? "application/vnd.atlas.2023-01-01+json" : "application/json"
    }

    /// All organizations the credential sees, without the deleted ones.
    public func listOrganizations() throws(APIError) -> [Organization] {
        try fetchAllPages(path: "/orgs", id: \Organization.id).filter { $0.isDeleted != true }
    }

    /// One organization, for its name when org ids are configured.
    public func organization(id: String) throws(APIError) -> Organization {
        try get(path: "/orgs/\(Self.escapePathSegment(id))", query: [])
    }

    /// Every API key of an organization, following pages until the API stops sending a `next` link.
    public func listAPIKeys(orgID: String) throws(APIError) -> [APIKey] {
        var mismatches = 0
        return try listAPIKeys(orgID: orgID, countMismatches: &mismatches)
    }

    /// Every API key of an organization; `countMismatches` counts listings accepted although their length differed
    /// from `totalCount` (an estimate), after a second read agreed with the first.
    public func listAPIKeys(orgID: String, countMismatches: inout Int) throws(APIError) -> [APIKey] {
        try fetchAllPages(path: "/orgs/\(Self.escapePathSegment(orgID))/apiKeys", id: \APIKey.id,
                          countMismatches: &countMismatches) { body in
            // One pass over the bytes; anything it does not understand goes to JSONDecoder for a precise error.
            KeyPageParser.parse(body)
        } keep: { key in
            key.interning(&interner)
        }
    }

    /// One key, to confirm what a listing says about it.
    public func apiKey(orgID: String, keyID: String) throws(APIError) -> APIKey {
        try get(path: "/orgs/\(Self.escapePathSegment(orgID))/apiKeys/\(Self.escapePathSegment(keyID))", query: [])
    }

    /// Every project of an organization, for their names.
    public func listProjects(orgID: String) throws(APIError) -> [Project] {
        try fetchAllPages(path: "/orgs/\(Self.escapePathSegment(orgID))/groups", id: \Project.id)
    }

    /// A key's IP access list; empty means the key is usable from any address.
    public func listAccessList(orgID: String, keyID: String) throws(APIError) -> [AccessListEntry] {
        try fetchAllPages(
            path: "/orgs/\(Self.escapePathSegment(orgID))/apiKeys/\(Self.escapePathSegment(keyID))/accessList",
            id: \AccessListEntry.identity)
    }

    /// One page of a listing. Exposed for tests of the API's own parameter checks.
    public func page<Element: Decodable & Sendable>(
        path: String, pageNum: Int, itemsPerPage: Int, of: Element.Type = Element.self
    ) throws(APIError) -> ListPage<Element> {
        try get(path: path, query: [("itemsPerPage", String(itemsPerPage)), ("pageNum", String(pageNum))])
    }

    func get<Body: Decodable>(
        path: String, query: [(String, String)], fastDecode: ([UInt8]) -> Body? = { _ in nil }
    ) throws(APIError) -> Body {
        let (response, url) = try getSuccessful(path: path, query: query)
        return try cpuGate.run { () throws(APIError) -> Body in try decode(response, url: url, fastDecode: fastDecode) }
    }

    /// A 2xx answer to a GET (after retries), and its URL; any other status is thrown with the API's error body.
    func getSuccessful(path: String, query: [(String, String)], maxBodyBytes: Int? = nil) throws(APIError) -> (CurlResponse, String) {
        let target = requestTarget(path: path, query: query)
        let url = baseURL + target.dropFirst(basePath.count)
        let response = try getRetrying(url: url, requestTarget: target, maxBodyBytes: maxBodyBytes)
        guard (200..<300).contains(response.status) else {
            throw .http(status: response.status, body: AtlasErrorBody.sanitized(from: response.body), url: url)
        }
        return (response, url)
    }

    func decode<Body: Decodable>(
        _ response: CurlResponse, url: String, fastDecode: ([UInt8]) -> Body?
    ) throws(APIError) -> Body {
        if let body = fastDecode(response.body) { return body }
        do {
            return try decoder.decode(Body.self, from: Data(response.body))
        } catch let error as DecodingError {
            throw Self.decodeError(error, url: url)
        } catch {
            throw .decode(path: "", message: "\(error)", url: url)
        }
    }

    /// Repeats a request after a 5xx, a 429 or a transport error, as `RetryPolicy` allows; returns the last answer
    /// (or throws the last transport error) when attempts or the cycle's budget run out.
    private func getRetrying(url: String, requestTarget: String, maxBodyBytes: Int?) throws(APIError) -> CurlResponse {
        var attempt = 1
        while true {
            let delay: Duration
            do throws(APIError) {
                let response = try authenticatedGet(url: url, requestTarget: requestTarget, maxBodyBytes: maxBodyBytes)
                if let remaining = response.headers["ratelimit-remaining"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                    requestCounter.record(rateLimitRemaining: remaining)
                }
                if let window = RateLimitGate.exhaustedWindow(headers: response.headers) {
                    retryBudget.rateLimit.pause(for: window)
                }
                switch response.status {
                case 429:
                    // The whole target waits (in `exchange`), not only this worker.
                    let wait = RetryPolicy.retryAfter(response.headers["retry-after"]) ?? retryPolicy.backoff(afterAttempt: attempt)
                    retryBudget.rateLimit.pause(for: wait)
                    guard attempt < retryPolicy.maxAttempts, retryBudget.allows(wait) else { return response }
                    attempt += 1
                    continue
                case 500...599:
                    delay = retryPolicy.backoff(afterAttempt: attempt)
                default:
                    return response
                }
                guard attempt < retryPolicy.maxAttempts, retryBudget.allows(delay) else { return response }
            } catch {
                delay = retryPolicy.backoff(afterAttempt: attempt)
                guard case .transport = error, attempt < retryPolicy.maxAttempts, retryBudget.allows(delay) else { throw error }
            }
            Thread.sleep(forTimeInterval: delay.secondsDouble)
            attempt += 1
        }
    }

    /// One request with the credentials at hand. A 401 the authenticator can answer (a Digest challenge: first
    /// contact or a stale nonce; an expired bearer token) is retried once; a second 401 is the caller's
    /// authentication error.
    private func authenticatedGet(url: String, requestTarget: String, maxBodyBytes: Int?) throws(APIError) -> CurlResponse {
        let response = try exchange(url: url, requestTarget: requestTarget, maxBodyBytes: maxBodyBytes)
        guard response.status == 401, let authenticator, authenticator.shouldRetry(after: response) else { return response }
        return try exchange(url: url, requestTarget: requestTarget, maxBodyBytes: maxBodyBytes)
    }

    private func exchange(url: String, requestTarget: String, maxBodyBytes: Int?) throws(APIError) -> CurlResponse {
        try waitForRateLimit(url: url)
        var headers = ["Accept: \(acceptHeader)"]
        if let authorization = try authenticator?.authorization(requestTarget: requestTarget) {
            headers.append("Authorization: \(authorization)")
        }
        do throws(APIError) {
            let response = try handle.get(url, headers: headers, maxBodyBytes: maxBodyBytes)
            requestCounter.record(status: response.status)
            requestCounter.record(newConnections: response.newConnections)
            return response
        } catch {
            requestCounter.record(code: "error")
            throw error
        }
    }

    /// Waits out the target's rate-limit pause, if any; a pause that would outlast the cycle fails the request
    /// as rate limited instead.
    private func waitForRateLimit(url: String) throws(APIError) {
        let wait = retryBudget.rateLimit.remainingPause()
        guard wait > .zero else { return }
        guard retryBudget.allows(wait) else {
            throw .http(status: 429, body: AtlasErrorBody(detail: "rate limited for \(wait.secondsDouble) s more, past the cycle's deadline"),
                        url: url)
        }
        Thread.sleep(forTimeInterval: wait.secondsDouble)
        requestCounter.record(rateLimitWait: wait)
    }

    /// Path and query as they go on the request line, e.g. `/api/atlas/v2/orgs?itemsPerPage=500&pageNum=1`.
    private func requestTarget(path: String, query: [(String, String)]) -> String {
        guard !query.isEmpty else { return basePath + path }
        return basePath + path + "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Ids come from configuration or from the API itself; escape them so neither can change the path.
    static func escapePathSegment(_ segment: String) -> String {
        // No "." either: `..` must never become a dot segment that libcurl (RFC 3986) would resolve upwards.
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-_~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }

    static func decodeError(_ error: DecodingError, url: String) -> APIError {
        func render(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = render(context.codingPath)
            let full = parent.isEmpty ? key.stringValue : parent + "." + key.stringValue
            return .decode(path: full, message: "required field missing", url: url)
        case .typeMismatch(let type, let context):
            return .decode(path: render(context.codingPath), message: "expected \(type)", url: url)
        case .valueNotFound(let type, let context):
            return .decode(path: render(context.codingPath), message: "expected \(type), found null", url: url)
        case .dataCorrupted(let context):
            return .decode(path: render(context.codingPath), message: "malformed JSON", url: url)
        @unknown default:
            return .decode(path: "", message: "undecodable", url: url)
        }
    }
}
