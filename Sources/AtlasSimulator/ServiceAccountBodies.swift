/// JSON shapes of the service account endpoints (Atlas Admin API v2, version 2024-08-05). Optional fields that are
/// nil are left out, as the API leaves out `lastUsedAt` of a secret never used.
extension APIBody {
    static let serviceAccountMediaType = "application/vnd.atlas.2024-08-05+json"

    /// `OrgServiceAccount` and `GroupServiceAccount` (the `roles` differ: org or project role names), plus fields
    /// the spec does not list (`isSystemManaged`, `owner: null`) that a client must tolerate. Never a `secret`.
    struct ServiceAccount: Encodable {
        var clientId: String
        var createdAt: String
        var description: String
        var isSystemManaged: Bool
        var name: String
        var roles: [String]
        var secrets: [Secret]

        enum CodingKeys: String, CodingKey {
            case clientId, createdAt, description, isSystemManaged, name, owner, roles, secrets
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(clientId, forKey: .clientId)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(description, forKey: .description)
            try container.encode(isSystemManaged, forKey: .isSystemManaged)
            try container.encode(name, forKey: .name)
            try container.encodeNil(forKey: .owner)
            try container.encode(roles, forKey: .roles)
            try container.encode(secrets, forKey: .secrets)
        }
    }

    struct Secret: Encodable {
        var createdAt: String
        var expiresAt: String
        var id: String
        var lastUsedAt: String?
        var maskedSecretValue: String
    }

    /// One project of an account: `GET /orgs/{orgId}/serviceAccounts/{clientId}/groups`.
    struct ServiceAccountProject: Encodable {
        var groupId: String
        var roles: [String]
    }

    struct ServiceAccountAccessEntry: Encodable {
        var cidrBlock: String
        var createdAt: String
        var ipAddress: String?
        var lastUsedAddress: String?
        var lastUsedAt: String?
        var requestCount: Int
    }

    static func serviceAccount(_ account: SimulatedServiceAccount, roles: [String]) -> ServiceAccount {
        ServiceAccount(
            clientId: account.clientID, createdAt: isoTime(account.created, milliseconds: account.milliseconds),
            description: account.description, isSystemManaged: account.isSystemManaged, name: account.name,
            roles: roles,
            secrets: account.secrets.map { secret in
                Secret(createdAt: isoTime(secret.created, milliseconds: secret.milliseconds),
                       expiresAt: isoTime(secret.expires, milliseconds: secret.milliseconds), id: secret.id,
                       lastUsedAt: secret.lastUsed.map { isoTime($0, milliseconds: secret.milliseconds) },
                       maskedSecretValue: secret.maskedValue)
            })
    }

    static func serviceAccountAccessEntry(_ entry: SimulatedAccessEntry) -> ServiceAccountAccessEntry {
        let isBlock = entry.address.contains("/")
        let ip = isBlock ? nil : entry.address
        return ServiceAccountAccessEntry(
            cidrBlock: isBlock ? entry.address : entry.address + "/32", createdAt: isoTime(entry.created),
            ipAddress: ip, lastUsedAddress: entry.servedLastUsedAddress, lastUsedAt: entry.lastUsed.map { isoTime($0) },
            requestCount: entry.servedRequestCount)
    }

    /// `isoTime`, with `.123` before the `Z` when `milliseconds` is set.
    static func isoTime(_ seconds: UInt32, milliseconds: UInt16?) -> String {
        let whole = isoTime(seconds)
        guard let milliseconds, whole.hasSuffix("Z") else { return whole }
        let digits = String(min(milliseconds, 999))
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}
