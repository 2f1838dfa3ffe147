import DigestHeader
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Server side of HTTP Digest authentication (RFC 7616 with MD5 and qop=auth), as the MongoDB Admin API does it:
/// realm "MMS Public API", nonces that expire (then a 401 with `stale=true`), and `nc` that must increase per nonce.
public final class DigestAuthenticator: Sendable {
    public enum Outcome: Sendable, Equatable {
        case authorized(username: String)
        /// Credentials were right but the nonce expired: the client should retry with the new one.
        case staleNonce
        case unauthorized
    }

    public static let realm = "MMS Public API"

    private struct NonceState {
        var issuedAt: ContinuousClock.Instant
        var lastNonceCount: UInt64
    }

    private let users: [String: String]
    private let nonceLifetime: Duration
    private let nonces = Mutex<[String: NonceState]>([:])
    /// Bounds the nonce table: an unauthenticated client cannot grow it without limit.
    private let maxNonces = 10_000

    /// `users` maps public keys to private keys.
    public init(users: [String: String], nonceLifetime: Duration = .seconds(300)) {
        self.users = users
        self.nonceLifetime = nonceLifetime
    }

    /// A fresh `WWW-Authenticate` value.
    public func challenge(stale: Bool = false) -> String {
        let nonce = DigestHeader.randomHex(bytes: 24)
        let now = ContinuousClock.now
        nonces.withLock { table in
            if table.count >= maxNonces {
                table = table.filter { now - $0.value.issuedAt < nonceLifetime }
                if table.count >= maxNonces { table.removeAll() }
            }
            table[nonce] = NonceState(issuedAt: now, lastNonceCount: 0)
        }
        return "Digest realm=\"\(Self.realm)\", domain=\"\", nonce=\"\(nonce)\", algorithm=MD5, qop=\"auth\", stale=\(stale)"
    }

    /// Checks an `Authorization` header against the request's method and target (path and query).
    public func verify(authorization: String?, method: String, requestTarget: String) -> Outcome {
        guard let authorization, let fields = DigestHeader.fields(authorization),
              let username = fields["username"], let password = users[username],
              fields["realm"] == Self.realm,
              let nonce = fields["nonce"], let uri = fields["uri"], uri == requestTarget,
              let response = fields["response"]?.lowercased(),
              fields["qop"] == "auth",
              let ncText = fields["nc"], let nonceCount = UInt64(ncText, radix: 16), nonceCount >= 1,
              let cnonce = fields["cnonce"],
              (fields["algorithm"] ?? "MD5").uppercased() == "MD5"
        else { return .unauthorized }

        let ha1 = DigestHeader.md5Hex("\(username):\(Self.realm):\(password)")
        let ha2 = DigestHeader.md5Hex("\(method):\(uri)")
        let expected = DigestHeader.md5Hex("\(ha1):\(nonce):\(ncText):\(cnonce):auth:\(ha2)")
        guard Self.constantTimeEqual(expected, response) else { return .unauthorized }

        let now = ContinuousClock.now
        return nonces.withLock { table -> Outcome in
            guard var state = table[nonce] else { return .staleNonce }  // unknown or forgotten: ask again
            if now - state.issuedAt > nonceLifetime {
                table[nonce] = nil
                return .staleNonce
            }
            guard nonceCount > state.lastNonceCount else { return .unauthorized }  // replay
            state.lastNonceCount = nonceCount
            table[nonce] = state
            return .authorized(username: username)
        }
    }

    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
