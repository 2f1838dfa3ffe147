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
