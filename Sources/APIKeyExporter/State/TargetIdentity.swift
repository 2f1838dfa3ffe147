#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Who a target is, as the status page shows it: never a secret. The base URL loses any user info, query and
/// fragment; the credential is named by its public half (an API key's public key, a service account's client id).
public struct TargetIdentity: Sendable, Equatable {
    public var baseURL: String
    /// `API key` or `service account`.
    public var credentialKind: String
    public var credentialID: String

    public init(baseURL: String, credentials: TargetCredentials) {
        self.baseURL = Self.withoutSecrets(baseURL)
        switch credentials {
        case .apiKey(let digest):
            credentialKind = "API key"
            credentialID = digest.username
        case .serviceAccount(let account):
            credentialKind = "service account"
            credentialID = account.clientID
        }
    }

    /// `scheme://host[:port]/path` of `url`, and the known secrets redacted from what is left.
    static func withoutSecrets(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.host != nil else { return "(not a URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return SecretRedactor.shared.redactKnownSecrets(components.string ?? "(not a URL)")
    }
}
