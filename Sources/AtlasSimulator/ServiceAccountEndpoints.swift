import Hummingbird

/// The service account endpoints. Only Atlas v2 has them: under `/api/atlas/v1.0` and `/api/public/v1.0` (Cloud
/// and Ops Manager) every one of them answers 404 with the API's error body. Under v2 they require the
/// `2024-08-05` media type (see `AtlasSimulator.requiredMediaType`) and answer with it.
extension AtlasSimulator {
    static let serviceAccountPrefix = "/api/atlas/v2"

    func addServiceAccountRoutes(_ group: RouterGroup<BasicRequestContext>, prefix: String) {
        group.get("orgs/:orgID/serviceAccounts") { request, context in
            self.serviceAccountEndpoint(prefix) {
                self.listOrgServiceAccounts(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "")
            }
        }
        group.get("groups/:groupID/serviceAccounts") { request, context in
            self.serviceAccountEndpoint(prefix) {
                self.listProjectServiceAccounts(request, prefix: prefix, groupID: context.parameters.get("groupID") ?? "")
            }
        }
        group.get("orgs/:orgID/serviceAccounts/:clientID/groups") { request, context in
            self.serviceAccountEndpoint(prefix) {
                self.listServiceAccountProjects(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "",
                                                clientID: context.parameters.get("clientID") ?? "")
            }
        }
        group.get("groups/:groupID/serviceAccounts/:clientID/accessList") { request, context in
            self.serviceAccountEndpoint(prefix) {
                self.listProjectServiceAccountAccessList(request, prefix: prefix, groupID: context.parameters.get("groupID") ?? "",
                                                         clientID: context.parameters.get("clientID") ?? "")
            }
        }
        group.get("orgs/:orgID/serviceAccounts/:clientID/accessList") { request, context in
            self.serviceAccountEndpoint(prefix) {
                self.listServiceAccountAccessList(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "",
                                                  clientID: context.parameters.get("clientID") ?? "")
            }
        }
    }

    /// Counts the request, answers 404 outside Atlas v2, and labels successful answers with the 2024-08-05 type.
    private func serviceAccountEndpoint(_ prefix: String, _ body: () -> Response) -> Response {
        record { $0.serviceAccountRequests += 1 }
        guard prefix == Self.serviceAccountPrefix else {
            return error(404, "RESOURCE_NOT_FOUND", "Cannot find resource: service accounts are an Atlas feature.")
        }
        var response = body()
        if response.status == .ok {
            response.headers[.contentType] = "\(APIBody.serviceAccountMediaType);charset=utf-8"
        }
        return response
    }

    /// The media type a request to `path` must accept, or nil if any will do (v1.0, Cloud and Ops Manager).
    static func requiredMediaType(forPath path: String) -> String? {
        guard path.hasPrefix(serviceAccountPrefix + "/") else { return nil }
        if path.hasSuffix("/delegationSettings") { return APIBody.delegationSettingsMediaType }
        if path.split(separator: "/").contains("mcpConfigs") { return mcpConfigMediaType }
        if path.split(separator: "/").contains("aiModelApiKeys") { return aiModelKeyMediaType }
        return path.split(separator: "/").contains("serviceAccounts") ? APIBody.serviceAccountMediaType : versionedMediaType
    }

    /// Whether a listing shows system-managed accounts: only with `includeSystemManaged=true`.
    private func includesSystemManaged(_ request: Request) -> Bool {
        request.uri.queryParameters["includeSystemManaged"].map { $0.lowercased() == "true" } ?? false
    }

    private func listOrgServiceAccounts(_ request: Request, prefix: String, orgID: String) -> Response {
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        let showSystem = includesSystemManaged(request)
        let accounts = org.serviceAccounts.filter { showSystem || !$0.isSystemManaged }
        return paginate(request, prefix: prefix, path: "/orgs/\(orgID)/serviceAccounts", items: accounts,
                        carriedQuery: showSystem ? "&includeSystemManaged=true" : "") { account in
            APIBody.serviceAccount(account, roles: account.orgRoles)
        }
    }

    private func listProjectServiceAccounts(_ request: Request, prefix: String, groupID: String) -> Response {
        guard let org = inventory.project(groupID)?.org else {
            return error(404, "GROUP_NOT_FOUND", "No group with ID \(groupID) exists.", parameters: [groupID])
        }
        let showSystem = includesSystemManaged(request)
        let members = org.serviceAccounts.filter { account in
            (showSystem || !account.isSystemManaged) && !(account.projectRoles[groupID] ?? []).isEmpty
        }
        return paginate(request, prefix: prefix, path: "/groups/\(groupID)/serviceAccounts", items: members,
                        carriedQuery: showSystem ? "&includeSystemManaged=true" : "") { account in
            APIBody.serviceAccount(account, roles: account.projectRoles[groupID] ?? [])
        }
    }

    private func listServiceAccountProjects(_ request: Request, prefix: String, orgID: String, clientID: String) -> Response {
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        guard let account = org.serviceAccount(clientID) else { return serviceAccountNotFound(clientID) }
        let memberships = account.projectIDs.map { (id: $0, roles: account.projectRoles[$0] ?? []) }
        return paginate(request, prefix: prefix, path: "/orgs/\(orgID)/serviceAccounts/\(clientID)/groups",
                        items: memberships) { membership in
            APIBody.ServiceAccountProject(groupId: membership.id, roles: membership.roles)
        }
    }

    private func listServiceAccountAccessList(_ request: Request, prefix: String, orgID: String, clientID: String) -> Response {
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        guard let account = org.serviceAccount(clientID) else { return serviceAccountNotFound(clientID) }
        return paginate(request, prefix: prefix, path: "/orgs/\(orgID)/serviceAccounts/\(clientID)/accessList",
                        items: account.accessList) { entry in
            APIBody.serviceAccountAccessEntry(entry)
        }
    }

    private func serviceAccountNotFound(_ clientID: String) -> Response {
        error(404, "SERVICE_ACCOUNT_NOT_FOUND", "Service account with client ID \(clientID) not found.",
              parameters: [clientID])
    }
}
