#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A remote MCP configuration (`OrgMcpConfigResponse` / `GroupMcpConfigResponse`): Atlas' hosted MCP server set up
/// for an org or a project, with the ingress service account agents authenticate with (`clientId`), the egress one
/// Atlas manages (`egressClientId`), the roles it acts with and its IP access list. Only the number of access list
/// entries is read.
public struct MCPConfig: Decodable, Sendable, Equatable {
    public var mcpConfigId: String
    public var mcpConfigName: String
    public var clientId: String
    public var egressClientId: String
    public var roles: [String]
    public var accessListEntries: Int

    public init(mcpConfigId: String, mcpConfigName: String, clientId: String, egressClientId: String, roles: [String],
                accessListEntries: Int) {
        self.mcpConfigId = mcpConfigId
        self.mcpConfigName = mcpConfigName
        self.clientId = clientId
        self.egressClientId = egressClientId
        self.roles = roles
        self.accessListEntries = accessListEntries
    }

    /// An access list entry, of which nothing is kept.
    private struct Entry: Decodable {}

    enum CodingKeys: String, CodingKey {
        case mcpConfigId, mcpConfigName, clientId, egressClientId, roles, ipAccessList
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mcpConfigId = try container.decode(String.self, forKey: .mcpConfigId)
        mcpConfigName = try container.decodeIfPresent(String.self, forKey: .mcpConfigName) ?? ""
        clientId = try container.decodeIfPresent(String.self, forKey: .clientId) ?? ""
        egressClientId = try container.decodeIfPresent(String.self, forKey: .egressClientId) ?? ""
        roles = try container.decodeIfPresent([String].self, forKey: .roles) ?? []
        accessListEntries = try container.decodeIfPresent([Entry].self, forKey: .ipAccessList)?.count ?? 0
    }
}

/// One secret of a configuration (the spec's service-account secret schema): its times only. `maskedSecretValue` (and `secret`) are
/// not decoded, so no part of a secret value can be kept, logged or exported.
public struct MCPConfigSecret: Decodable, Sendable, Equatable {
    public var id: String
    public var createdAt: Double?
    public var expiresAt: Double?
    /// Nil while never used.
    public var lastUsedAt: Double?

    public init(id: String, createdAt: Double?, expiresAt: Double?, lastUsedAt: Double?) {
        self.id = id
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, createdAt, expiresAt, lastUsedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        createdAt = ISOTime.seconds(try container.decodeIfPresent(String.self, forKey: .createdAt))
        expiresAt = ISOTime.seconds(try container.decodeIfPresent(String.self, forKey: .expiresAt))
        lastUsedAt = ISOTime.seconds(try container.decodeIfPresent(String.self, forKey: .lastUsedAt))
    }
}
