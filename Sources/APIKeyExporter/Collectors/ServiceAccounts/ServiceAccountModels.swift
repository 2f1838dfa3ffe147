#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A service account from `GET /orgs/{orgId}/serviceAccounts` (its org roles) or `GET /groups/{groupId}/
/// serviceAccounts` (its roles in that project). Fields the exporter does not use (`isSystemManaged`, `owner`,
/// each secret's `maskedSecretValue`) are not decoded, so a secret's value can never be kept, logged or exported.
public struct ServiceAccount: Decodable, Sendable, Equatable {
    public var clientId: String
    public var name: String
    public var description: String
    /// Unix seconds, fractions kept; nil when the API sends none or an unreadable time.
    public var createdAt: Double?
    public var roles: [String]
    public var secrets: [ServiceAccountSecret]

    public init(clientId: String, name: String, description: String, createdAt: Double?, roles: [String],
                secrets: [ServiceAccountSecret]) {
        self.clientId = clientId
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.roles = roles
        self.secrets = secrets
    }

    enum CodingKeys: String, CodingKey {
        case clientId, name, description, createdAt, roles, secrets
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientId = try container.decode(String.self, forKey: .clientId)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        createdAt = ISOTime.seconds(try container.decodeIfPresent(String.self, forKey: .createdAt))
        roles = try container.decodeIfPresent([String].self, forKey: .roles) ?? []
        secrets = try container.decodeIfPresent([ServiceAccountSecret].self, forKey: .secrets) ?? []
    }
}

