import Hummingbird

/// The remote MCP configuration endpoints, and a service account's access list in a project: Atlas v2 only (404
/// under `/api/atlas/v1.0` and `/api/public/v1.0`), MCP ones with the 2025-03-12 media type alone (see
/// `requiredMediaType`), paginated. Never a secret value: only its masked form, as the API.
extension AtlasSimulator {
    static let mcpConfigMediaType = "application/vnd.atlas.2025-03-12+json"

    func addMCPConfigRoutes(_ group: RouterGroup<BasicRequestContext>, prefix: String) {
        group.get("orgs/:orgID/mcpConfigs") { request, context in
            let orgID = context.parameters.get("orgID") ?? ""
            return self.mcpEndpoint(prefix) {
                guard let org = self.inventory.org(orgID) else { return self.orgNotFound(orgID) }
                return self.listConfigs(request, prefix: prefix, path: "/orgs/\(orgID)/mcpConfigs",
                                        configs: org.mcpConfigs.filter { $0.projectID == nil })
            }
        }
        group.get("groups/:groupID/mcpConfigs") { request, context in
            let groupID = context.parameters.get("groupID") ?? ""
            return self.mcpEndpoint(prefix) {
                guard let org = self.inventory.project(groupID)?.org else { return self.groupNotFound(groupID) }
                return self.listConfigs(request, prefix: prefix, path: "/groups/\(groupID)/mcpConfigs",
                                        configs: org.mcpConfigs.filter { $0.projectID == groupID })
            }
        }
        group.get("orgs/:orgID/mcpConfigs/:configID/secrets") { request, context in
            let (orgID, configID) = (context.parameters.get("orgID") ?? "", context.parameters.get("configID") ?? "")
            return self.mcpEndpoint(prefix) {
                guard let org = self.inventory.org(orgID) else { return self.orgNotFound(orgID) }
                return self.listSecrets(request, prefix: prefix, path: "/orgs/\(orgID)/mcpConfigs/\(configID)/secrets",
                                        config: org.mcpConfigs.first { $0.id == configID && $0.projectID == nil })
            }
        }
        group.get("groups/:groupID/mcpConfigs/:configID/secrets") { request, context in
            let (groupID, configID) = (context.parameters.get("groupID") ?? "", context.parameters.get("configID") ?? "")
            return self.mcpEndpoint(prefix) {
                guard let org = self.inventory.project(groupID)?.org else { return self.groupNotFound(groupID) }
                return self.listSecrets(request, prefix: prefix, path: "/groups/\(groupID)/mcpConfigs/\(configID)/secrets",
                                        config: org.mcpConfigs.first { $0.id == configID && $0.projectID == groupID })
            }
        }
    }

    /// Counts the request, answers 404 outside Atlas v2, and labels successful answers with the 2025-03-12 type.
    private func mcpEndpoint(_ prefix: String, _ body: () -> Response) -> Response {
        record { $0.mcpConfigRequests += 1 }
        guard prefix == Self.serviceAccountPrefix, !faults.mcpConfigsNotFound else {
            return error(404, "RESOURCE_NOT_FOUND", "Cannot find resource: remote MCP configurations are an Atlas feature.")
        }
        var response = body()
        if response.status == .ok { response.headers[.contentType] = "\(Self.mcpConfigMediaType);charset=utf-8" }
        return response
    }

    private func listConfigs(_ request: Request, prefix: String, path: String, configs: [SimulatedMCPConfig]) -> Response {
        paginate(request, prefix: prefix, path: path, items: configs) { config in
            APIBody.MCPConfig(clientId: config.clientID, egressClientId: config.egressClientID,
                              ipAccessList: config.accessList.map(APIBody.serviceAccountAccessEntry),
                              mcpConfigId: config.id, mcpConfigName: config.name, roles: config.roles)
        }
    }

    private func listSecrets(_ request: Request, prefix: String, path: String, config: SimulatedMCPConfig?) -> Response {
        guard let config else { return error(404, "MCP_CONFIG_NOT_FOUND", "No MCP configuration found.") }
        return paginate(request, prefix: prefix, path: path, items: config.secrets, APIBody.secret)
    }

    private func groupNotFound(_ groupID: String) -> Response {
        error(404, "GROUP_NOT_FOUND", "No group with ID \(groupID) exists.", parameters: [groupID])
    }

    /// A service account's own access list in a project (`GET /groups/{id}/serviceAccounts/{clientId}/accessList`).
    func listProjectServiceAccountAccessList(_ request: Request, prefix: String, groupID: String, clientID: String) -> Response {
        guard let org = inventory.project(groupID)?.org else { return groupNotFound(groupID) }
        guard let account = org.serviceAccount(clientID), !(account.projectRoles[groupID] ?? []).isEmpty else {
            return error(404, "SERVICE_ACCOUNT_NOT_FOUND", "Service account with client ID \(clientID) not found.",
                         parameters: [clientID])
        }
        return paginate(request, prefix: prefix, path: "/groups/\(groupID)/serviceAccounts/\(clientID)/accessList",
                        items: account.projectAccessLists[groupID] ?? [], APIBody.serviceAccountAccessEntry)
    }
}

extension APIBody {
    /// `OrgMcpConfigResponse` / `GroupMcpConfigResponse`.
    struct MCPConfig: Encodable {
        var clientId: String
        var egressClientId: String
        var ipAccessList: [ServiceAccountAccessEntry]
        var mcpConfigId: String
        var mcpConfigName: String
        var roles: [String]
    }

    /// `ServiceAccountSecret` as a listing shows it: masked, never the secret.
    static func secret(_ secret: SimulatedSecret) -> Secret {
        Secret(createdAt: isoTime(secret.created, milliseconds: secret.milliseconds),
               expiresAt: isoTime(secret.expires, milliseconds: secret.milliseconds), id: secret.id,
               lastUsedAt: secret.lastUsed.map { isoTime($0, milliseconds: secret.milliseconds) },
               maskedSecretValue: secret.maskedValue)
    }
}
