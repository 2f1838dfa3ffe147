import DigestHeader
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport

/// Client side of HTTP Digest (RFC 7616, MD5, qop=auth) that keeps the server's nonce between requests.
///
/// libcurl's CURLAUTH_DIGEST forgets the nonce after each transfer, so every request costs a 401 round trip. This
/// signer answers the first challenge, then signs each following request with the same nonce and an incrementing
/// `nc`: one HTTP exchange per request until the server sends a new challenge (a stale nonce, after which it signs
/// again with the new one). Not thread-safe: one signer per connection owner.
final class DigestSigner {
    private let username: String
    /// MD5(username:realm:password), computed once per realm. Password-equivalent: never logged.
    private var ha1: String?
    private let password: String
    private var challenge: DigestChallenge?
    private var nonceCount: UInt32 = 0

    init(credentials: DigestCredentials) {
        username = credentials.username
        password = credentials.password
    }


    /// Adopts a `WWW-Authenticate` challenge. Returns false when it is not a usable Digest challenge.
    func accept(challengeHeader: String) -> Bool {
        guard let parsed = DigestChallenge(header: challengeHeader) else { return false }
        if parsed.realm != challenge?.realm || ha1 == nil {
            ha1 = DigestHeader.md5Hex("\(username):\(parsed.realm):\(password)")
        }
        challenge = parsed
        nonceCount = 0
        return true
    }


    /// The `Authorization` header for a GET of `requestTarget` (path and query), or nil without a challenge.
    func authorization(method: String = "GET", requestTarget: String) -> String? {
        guard let challenge, let ha1 else { return nil }
        nonceCount &+= 1
        let nc = nonceCount.hex(width: 8)
        let cnonce = DigestHeader.randomHex(bytes: 16)
        let ha2 = DigestHeader.md5Hex("\(method):\(requestTarget)")
        let response = DigestHeader.md5Hex("\(ha1):\(challenge.nonce):\(nc):\(cnonce):auth:\(ha2)")
        var header = "Digest username=\"\(username)\", realm=\"\(challenge.realm)\", nonce=\"\(challenge.nonce)\", "
            + "uri=\"\(requestTarget)\", algorithm=MD5, qop=auth, nc=\(nc), cnonce=\"\(cnonce)\", response=\"\(response)\""
        if let opaque = challenge.opaque {
            header += ", opaque=\"\(opaque)\""
        }
        return header
    }
}

/// A parsed `WWW-Authenticate: Digest ...` challenge.
struct DigestChallenge: Equatable {
    var realm: String
    var nonce: String
    var opaque: String?

    /// Nil unless the header is a Digest challenge with a realm and a nonce that offers qop `auth` and MD5.
    init?(header: String) {
        guard let fields = DigestHeader.fields(header), let realm = fields["realm"], let nonce = fields["nonce"] else { return nil }
        let algorithm = (fields["algorithm"] ?? "MD5").uppercased()
        let qops = (fields["qop"] ?? "auth").split(separator: ",").map { $0.trimmingWhitespace() }
        guard algorithm == "MD5", qops.contains("auth") else { return nil }
        self.realm = realm
        self.nonce = nonce
        self.opaque = fields["opaque"]
    }
}
