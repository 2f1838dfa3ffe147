#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Replaces secrets in text that leaves the process (log lines, error messages, label values from the API) with
/// `<redacted>`.
///
/// Two kinds of secret are removed: the ones the exporter knows (configured private keys and client secrets, with
/// the forms `Basic` and Digest would carry them in, and every bearer token it was issued), wherever they appear;
/// and anything shaped like a credential header value (`Basic …`, `Bearer …`, a Digest `response="…"`), which an
/// API or a token endpoint may echo back in an error body.
public final class SecretRedactor: Sendable {
    /// The process-wide instance the log handler uses; targets register their secrets here as they are built.
    public static let shared = SecretRedactor()

    static let placeholder = "<redacted>"
    /// Known secrets shorter than this are not searched for: they would redact ordinary words (and no real key,
    /// secret or token is this short).
    static let minimumLength = 6
    /// Bearer tokens kept for redaction; older ones have long expired (tokens live an hour).
    static let tokenMemory = 32

    private struct Known {
        var secrets: Set<String> = []
        var tokens: [String] = []
    }

    private let known = Mutex(Known())

    public init() {}

    /// Remembers a secret and the encoded forms it travels in.
    public func register(_ secret: String) {
        guard secret.utf8.count >= Self.minimumLength else { return }
        _ = known.withLock { $0.secrets.insert(secret) }
    }

    /// Remembers a target's credentials: the private key or client secret, and `base64(user:secret)` as `Basic`
    /// sends it. The Digest hash of a private key is covered by the `response=` pattern and by the key itself.
    public func register(_ credentials: TargetCredentials) {
        switch credentials {
        case .apiKey(let digest):
            register(digest.password)
            register(Data("\(digest.username):\(digest.password)".utf8).base64EncodedString())
        case .serviceAccount(let account):
            register(account.clientSecret)
            register(Data("\(account.clientID):\(account.clientSecret)".utf8).base64EncodedString())
        }
    }

    /// Remembers a bearer token; only the latest `tokenMemory` are kept, so the list stays bounded.
    public func register(token: String) {
        guard token.utf8.count >= Self.minimumLength else { return }
        known.withLock { known in
            guard !known.tokens.contains(token) else { return }
            known.tokens.append(token)
            if known.tokens.count > Self.tokenMemory { known.tokens.removeFirst(known.tokens.count - Self.tokenMemory) }
        }
    }

    /// The known secrets as bytes, for checking many label values without taking the lock for each.
    public func knownSecretBytes() -> [[UInt8]] {
        known.withLock { Array($0.secrets).map { Array($0.utf8) } + $0.tokens.map { Array($0.utf8) } }
    }

    /// Whether `text` holds one of `secrets` (from `knownSecretBytes`); a byte search, cheap enough for every
    /// description of a 100,000-key listing.
    public static func contains(anyOf secrets: [[UInt8]], in text: String) -> Bool {
        guard !secrets.isEmpty else { return false }
        var text = text
        return text.withUTF8 { contains(anyOf: secrets, in: UnsafeRawBufferPointer($0)) }
    }

    /// The same in UTF-8 bytes (a description where a compact listing holds it).
    public static func contains(anyOf secrets: [[UInt8]], in text: UnsafeRawBufferPointer) -> Bool {
        let haystack = text.bindMemory(to: UInt8.self)
        return secrets.contains { needle in find(needle, in: haystack) }
    }

    /// Whether `needle` occurs in `haystack`: the first byte found with memchr, the rest compared with memcmp.
    private static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first, let base = haystack.baseAddress, haystack.count >= needle.count else { return false }
        let lastStart = haystack.count - needle.count
        var offset = 0
        return needle.withUnsafeBytes { needleBytes -> Bool in
            guard let needleBase = needleBytes.baseAddress else { return false }
            while offset <= lastStart {
                guard let found = memchr(base + offset, Int32(first), lastStart - offset + 1) else { return false }
                let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + position, needleBase, needle.count) == 0 { return true }
                offset = position + 1
            }
            return false
        }
    }

    /// `text` with the known secrets (only those: no pattern; longest first) replaced, for label values from the API, where a
    /// description such as "Bearer tokens for CI" is not a credential.
    public func redactKnownSecrets(_ text: String) -> String {
        let known = known.withLock { $0 }
        var result = text
        for secret in (known.secrets.sorted { $0.count > $1.count } + known.tokens) where result.contains(secret) {
            result = result.replacing(secret, with: Self.placeholder)
        }
        return result
    }

    /// `body` with every known secret replaced by the placeholder; the same bytes (no copy) when it holds none, as
    /// almost every body does. Secrets are matched as they stand in JSON: API keys, client secrets and tokens have
    /// no character JSON escapes.
    public func redacting(body: [UInt8]) -> [UInt8] {
        let secrets = knownSecretBytes().sorted { $0.count > $1.count }
        let found = body.withUnsafeBytes { Self.contains(anyOf: secrets, in: $0) }
        guard found else { return body }
        return Array(redactKnownSecrets(String(decoding: body, as: UTF8.self)).utf8)
    }

    /// `text` with every known secret and credential-shaped value replaced by `<redacted>`.
    public func redact(_ text: String) -> String {
        Self.redactCredentialShapes(redactKnownSecrets(text))
    }

    /// `Basic <base64>` and `Bearer <token>` (any case), and the `response="…"` of a Digest header.
    static func redactCredentialShapes(_ text: String) -> String {
        // Fast path: most lines hold none of the three words.
        let lower = text.lowercased()
        guard lower.contains("basic") || lower.contains("bearer") || lower.contains("response") else { return text }
        // Built per call: `Regex` is not Sendable, and lines that get here are rare.
        let credentialScheme = #/(?i)\b(basic|bearer)\s+[A-Za-z0-9._~+/=\-]{4,}/#
        let digestResponse = #/(?i)(\bresponse\s*=\s*"?)[A-Za-z0-9+/=]+/#
        var result = text.replacing(credentialScheme) { match in "\(match.output.1) \(placeholder)" }
        result = result.replacing(digestResponse) { match in "\(match.output.1)\(placeholder)" }
        return result
    }
}
