#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// An Atlas service account: OAuth 2.0 client credentials. The secret never appears in `description`.
public struct ServiceAccountCredentials: Sendable, Equatable, CustomStringConvertible {
    public var clientID: String
    public var clientSecret: String
    /// `POST` here for tokens; Atlas: `https://cloud.mongodb.com/api/oauth/token`.
    public var tokenURL: String

    public init(clientID: String, clientSecret: String, tokenURL: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenURL = tokenURL
    }

    public var description: String { "ServiceAccountCredentials(clientID: \(clientID), clientSecret: <redacted>)" }

    /// The token endpoint of the API a base URL belongs to: its origin plus `/api/oauth/token`.
    public static func defaultTokenURL(forBaseURL baseURL: String) -> String {
        guard let components = URLComponents(string: baseURL), let scheme = components.scheme, let host = components.host else {
            return "https://cloud.mongodb.com/api/oauth/token"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/api/oauth/token"
    }
}

/// Fetches and caches the bearer token of one service account, shared by all the clients of a target.
///
/// The token is renewed a minute before `expires_in` runs out, and at once when the API answers 401 to it.
/// `token()` blocks while it fetches (it is called from the clients' Dispatch queues); one fetch at a time.
public final class ServiceAccountTokens: Sendable {
    private struct Cached {
        var token: String
        var refreshAfter: ContinuousClock.Instant
    }

    private let credentials: ServiceAccountCredentials
    private let options: TransportOptions
    private let requestCounter: RequestCounter
    private let cached = Mutex<Cached?>(nil)
    /// Serialises fetches; held across the blocking request, never while `cached` is locked.
    private let fetchLock = Mutex(())

    public init(credentials: ServiceAccountCredentials, options: TransportOptions, requestCounter: RequestCounter) {
        self.credentials = credentials
        self.options = options
        self.requestCounter = requestCounter
    }

    /// A valid token, fetched if there is none or it is about to expire.
    func token() throws(APIError) -> String {
        if let token = currentToken() { return token }
        return try fetchLock.withLock { _ throws(APIError) -> String in
            if let token = currentToken() { return token }  // another client fetched it meanwhile
            return try fetch()
        }
    }

    /// Forgets `token` after the API refused it (it expired early or was revoked); a newer one is kept.
    func invalidate(_ token: String) {
        cached.withLock { if $0?.token == token { $0 = nil } }
    }

    private func currentToken() -> String? {
        cached.withLock { cached in
            guard let cached, ContinuousClock.now < cached.refreshAfter else { return nil }
            return cached.token
        }
    }

    private struct TokenAnswer: Decodable {
        var access_token: String
        var expires_in: Int?
    }

    private func fetch() throws(APIError) -> String {
        let basic = Data("\(credentials.clientID):\(credentials.clientSecret)".utf8).base64EncodedString()
        // Through a counted connection of its own, like every request to the API; no retry (the next request that
        // needs a token asks again) and a new connection each time, since tokens are an hour apart.
        let response = try CountedConnection(options: options, requestCounter: requestCounter, countsConnections: false)
            .send(credentials.tokenURL, method: "POST",
                  headers: ["Authorization: Basic \(basic)", "Content-Type: application/x-www-form-urlencoded", "Accept: application/json"],
                  body: Array("grant_type=client_credentials".utf8))
            .requiringStatus(in: 200..<201, url: credentials.tokenURL)
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(response.body)), !answer.access_token.isEmpty else {
            throw .decode(path: "access_token", message: "no token in the answer", url: credentials.tokenURL)
        }
        // Known before it is used, so that an API echoing it back in an error can never get it into a log line.
        SecretRedactor.shared.register(token: answer.access_token)
        // Clamped before any arithmetic: `expires_in` is the server's number, and Int.min - 60 would trap.
        let expiresIn = min(max(answer.expires_in ?? 3600, 0), 86_400)
        let lifetime = Duration.seconds(max(0, expiresIn - 60))
        cached.withLock { $0 = Cached(token: answer.access_token, refreshAfter: .now + lifetime) }
        return answer.access_token
    }
}
