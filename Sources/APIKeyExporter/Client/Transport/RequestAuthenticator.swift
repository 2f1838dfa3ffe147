/// How a target proves who it is: an API key (HTTP Digest) or a service account (OAuth bearer token).
public enum TargetCredentials: Sendable, Equatable, CustomStringConvertible {
    case apiKey(DigestCredentials)
    case serviceAccount(ServiceAccountCredentials)

    public var description: String {
        switch self {
        case .apiKey(let credentials): "\(credentials)"
        case .serviceAccount(let credentials): "\(credentials)"
        }
    }
}

/// Adds credentials to a client's requests and decides whether a 401 is worth one more try.
/// One per client (so per connection); not thread-safe.
protocol RequestAuthenticator: AnyObject {
    /// The `Authorization` header value for a request, or nil to send none.
    func authorization(requestTarget: String) throws(APIError) -> String?
    /// Called with a 401 answer; true if the request should be repeated once with fresh credentials.
    func shouldRetry(after unauthorized: CurlResponse) -> Bool
}

extension DigestSigner: RequestAuthenticator {
    func authorization(requestTarget: String) throws(APIError) -> String? {
        authorization(method: "GET", requestTarget: requestTarget)
    }

    /// A usable challenge (the first contact, a stale nonce, a server that forgot ours) is worth one retry.
    func shouldRetry(after unauthorized: CurlResponse) -> Bool {
        guard let challenge = unauthorized.headers["www-authenticate"] else { return false }
        return accept(challengeHeader: challenge)
    }
}

/// Bearer tokens of a service account; a 401 renews the token once.
final class BearerAuthenticator: RequestAuthenticator {
    private let tokens: ServiceAccountTokens
    private var lastToken: String?

    init(tokens: ServiceAccountTokens) {
        self.tokens = tokens
    }

    func authorization(requestTarget: String) throws(APIError) -> String? {
        let token = try tokens.token()
        lastToken = token
        return "Bearer \(token)"
    }

    func shouldRetry(after unauthorized: CurlResponse) -> Bool {
        guard let lastToken else { return false }
        tokens.invalidate(lastToken)
        self.lastToken = nil
        return true
    }
}
