/// The remote MCP configuration endpoints (Atlas v2 only), which answer only to their own media type version.
extension AtlasClient {
    /// Every MCP configuration request must ask for this version (MongoDB's spec has no other).
    public static let mcpConfigMediaType = "application/vnd.atlas.2025-03-12+json"

    /// The org-level configurations (`OrgMcpConfigResponse`).
    public func listOrgMCPConfigs(orgID: String) throws(APIError) -> [MCPConfig] {
        try listMCP("/orgs/\(Self.escapePathSegment(orgID))/mcpConfigs", id: \MCPConfig.mcpConfigId)
    }

    /// A project's configurations (`GroupMcpConfigResponse`).
    public func listProjectMCPConfigs(projectID: String) throws(APIError) -> [MCPConfig] {
        try listMCP("/groups/\(Self.escapePathSegment(projectID))/mcpConfigs", id: \MCPConfig.mcpConfigId)
    }

    /// A configuration's secrets; `projectID` nil for an org-level one.
    public func listMCPConfigSecrets(orgID: String, projectID: String?, configID: String) throws(APIError) -> [MCPConfigSecret] {
        let owner = projectID.map { "/groups/\(Self.escapePathSegment($0))" } ?? "/orgs/\(Self.escapePathSegment(orgID))"
        return try listMCP(owner + "/mcpConfigs/\(Self.escapePathSegment(configID))/secrets", id: \MCPConfigSecret.id)
    }

    private func listMCP<Element: Decodable & Sendable>(_ path: String, id: KeyPath<Element, String>) throws(APIError) -> [Element] {
        var mismatches = 0
        return try listAll(path: path, id: id, countMismatches: &mismatches, accept: Self.mcpConfigMediaType)
    }
}
