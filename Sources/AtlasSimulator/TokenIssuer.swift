import DigestHeader
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The OAuth 2.0 client-credentials side of the simulated API: `POST /api/oauth/token` for service accounts,
/// and bearer tokens that expire.
public final class TokenIssuer: Sendable {
    private let clients: [String: String]
    private let lifetime: Duration
    private let tokens = Mutex<[String: ContinuousClock.Instant]>([:])

    /// `clients` maps service account client ids to their secrets.
    init(clients: [String: String], lifetime: Duration) {
        self.clients = clients
        self.lifetime = lifetime
    }

    /// A new token for a `Basic base64(id:secret)` header, or nil if the client is unknown or the secret wrong.
    func issue(basicAuthorization: String?) -> (token: String, expiresIn: Int)? {
        guard let header = basicAuthorization, header.hasPrefix("Basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
              let colon = decoded.firstIndex(of: ":"),
              let secret = clients[String(decoded[..<colon])],
              DigestAuthenticator.constantTimeEqual(secret, String(decoded[decoded.index(after: colon)...]))
        else { return nil }
        let token = "sim_" + DigestHeader.randomHex(bytes: 24)
        let now = ContinuousClock.now
        tokens.withLock { table in
            table = table.filter { $0.value > now }  // forget expired tokens, so the table stays small
            table[token] = now + lifetime
        }
        return (token, Int(lifetime.components.seconds))
    }

    /// Whether `Bearer <token>` is a live token.
    func isValid(bearer header: String) -> Bool {
        let token = String(header.dropFirst("Bearer ".count))
        return tokens.withLock { ($0[token] ?? .now) > .now }
    }

    /// Every token issued and not yet forgotten, for tests that search output for them.
    public var issuedTokens: [String] {
        tokens.withLock { Array($0.keys) }
    }

    /// Forgets every token, as if they had all expired.
    public func revokeAll() {
        tokens.withLock { $0.removeAll() }
    }
}
