import Hummingbird

/// Ops Manager's own credentials: `GET /admin/apiKeys` and `GET /admin/accessList` (before 5.0 `/admin/whitelist`),
/// paginated like every listing, and `GET /groups/{id}/agentapikeys`, a bare JSON array. Only under
/// `/api/public/v1.0` and only for the flavors that have them (`SimulatedFlavor`); everywhere else they answer 404
/// with the API's error body, so a client that asks an Atlas base URL for them is seen (and counted:
/// `SimulatorStats.opsManagerPathRequests`). Every fault of the middleware applies to them as to any path;
/// `malformedKeyPages` and `truncatedKeyPages` spoil the key listings, and the paging faults every listing.
extension AtlasSimulator {
    static let opsManagerPrefix = "/api/public/v1.0"

    func addOpsManagerRoutes(_ group: RouterGroup<BasicRequestContext>, prefix: String) {
        group.get("admin/apiKeys") { request, _ in
            self.adminEndpoint(request, prefix: prefix, servedBy: \.hasGlobalKeys) {
                self.listGlobalKeys(request, prefix: prefix)
            }
        }
        group.get("admin/accessList") { request, _ in
            self.adminEndpoint(request, prefix: prefix, servedBy: { $0 == .opsManager }) {
                self.listGlobalAccessList(request, prefix: prefix, path: "/admin/accessList")
            }
        }
        group.get("admin/whitelist") { request, _ in
            self.adminEndpoint(request, prefix: prefix, servedBy: { $0 == .legacyOpsManager }) {
                self.listGlobalAccessList(request, prefix: prefix, path: "/admin/whitelist")
            }
        }
        group.get("groups/:groupID/agentapikeys") { request, context in
            self.listAgentKeys(request, prefix: prefix, groupID: context.parameters.get("groupID") ?? "")
        }
    }

    /// Whether a request path is one of the Ops Manager credential endpoints (any prefix, any spelling of the
    /// case): a path segment `admin`, or one ending in `agentapikeys`.
    public static func isOpsManagerPath(_ path: String) -> Bool {
        let segments = path.split(separator: "/").map { $0.lowercased() }
        return segments.contains("admin") || segments.last == "agentapikeys"
    }

    /// Answers an `/admin/...` request: 404 outside `/api/public/v1.0`, on Atlas, or where this flavor lacks the
    /// resource; Cloud Manager's answer (`cloudManagerAdminStatus`); the refusal of a credential without a global
    /// role; else `body`.
    private func adminEndpoint(_ request: Request, prefix: String, servedBy: (SimulatedFlavor) -> Bool,
                               _ body: () -> Response) -> Response {
        let flavor = inventory.flavor
        guard prefix == Self.opsManagerPrefix, flavor != .atlas else { return resourceNotFound(request) }
        let faults = self.faults
        if flavor == .cloudManager { return refusal(faults.cloudManagerAdminStatus, request) }
        guard servedBy(flavor) else { return resourceNotFound(request) }
        if faults.usersWithoutGlobalRole.contains(Self.digestUsername(request) ?? "") {
            return refusal(faults.globalRoleRefusalStatus, request)
        }
        return body()
    }

    private func listGlobalKeys(_ request: Request, prefix: String) -> Response {
        let keys = inventory.globalKeys
        let base = baseURL(request, prefix: prefix)
        return paginate(request, prefix: prefix, path: "/admin/apiKeys", items: keys, damage: keyPageDamage) { key in
            APIBody.globalKey(key, selfHref: "\(base)/admin/apiKeys/\(key.id)")
        }
    }

    private func listGlobalAccessList(_ request: Request, prefix: String, path: String) -> Response {
        paginate(request, prefix: prefix, path: path, items: inventory.globalAccessList) { APIBody.globalAccessEntry($0) }
    }

    private func listAgentKeys(_ request: Request, prefix: String, groupID: String) -> Response {
        let inventory = self.inventory
        guard prefix == Self.opsManagerPrefix, inventory.flavor.hasAgentKeys else { return resourceNotFound(request) }
        guard let keys = inventory.agentKeys(projectID: groupID) else {
            return error(404, "GROUP_NOT_FOUND", "No group with ID \(groupID) exists.", parameters: [groupID])
        }
        return json(keys.map(APIBody.agentKey), prefix: prefix, damage: keyPageDamage)
    }

    /// How the key-page faults spoil a key listing, if they are set.
    private var keyPageDamage: BodyDamage? {
        let faults = self.faults
        return faults.truncatedKeyPages ? .truncated : faults.malformedKeyPages ? .malformed : nil
    }

    private func resourceNotFound(_ request: Request) -> Response {
        let path = request.uri.path
        return error(404, "RESOURCE_NOT_FOUND", "Cannot find resource \(path).", parameters: [path])
    }

    /// A refusal with `status`: a 401 comes with a fresh Digest challenge (which right credentials never clear),
    /// a 403 as a missing role, a 404 as a missing resource.
    private func refusal(_ status: Int, _ request: Request) -> Response {
        switch status {
        case 401:
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = authenticator.challenge()
            return error(401, "UNAUTHORIZED", "You are not authorized for this resource.", headers: headers)
        case 403:
            return error(403, "USER_UNAUTHORIZED", "Current user is not authorized to perform this action.")
        case 404:
            return resourceNotFound(request)
        default:
            return error(status, "UNEXPECTED_ERROR", "Simulated failure.")
        }
    }
}

/// JSON shapes of the Ops Manager credential endpoints, with the field names of MongoDB's recorded bodies; nil
/// optional fields are left out, as the recorded agent key made by provisioning has no user or address.
extension APIBody {
    struct GlobalAccessEntry: Encodable {
        var cidrBlock: String
        var created: String
        var description: String
        var id: String
        var type: String
        var updated: String
    }

    struct AgentKey: Encodable {
        var id: String
        var createdBy: String
        var createdIpAddr: String?
        var createdTime: UInt64
        var createdUserId: String?
        var desc: String
        var key: String

        enum CodingKeys: String, CodingKey {
            case id = "_id"
            case createdBy, createdIpAddr, createdTime, createdUserId, desc, key
        }
    }

    /// A global key has an org key's shape, its roles without an org or project.
    static func globalKey(_ key: SimulatedGlobalKey, selfHref: String) -> Key {
        Key(desc: key.desc, id: key.id, links: [Link(href: selfHref, rel: "self")], privateKey: key.maskedPrivateKey,
                  publicKey: key.publicKey, roles: key.roles.map { Role(groupId: nil, orgId: nil, roleName: $0) })
    }

    static func globalAccessEntry(_ entry: SimulatedGlobalAccessEntry) -> GlobalAccessEntry {
        GlobalAccessEntry(cidrBlock: entry.cidrBlock, created: isoTime(entry.created), description: entry.description,
                          id: entry.id, type: entry.type, updated: isoTime(entry.updated))
    }

    static func agentKey(_ key: SimulatedAgentKey) -> AgentKey {
        AgentKey(id: key.id, createdBy: key.createdBy, createdIpAddr: key.createdIPAddress,
                 createdTime: key.createdMilliseconds, createdUserId: key.createdUserID, desc: key.desc, key: key.maskedKey)
    }
}
