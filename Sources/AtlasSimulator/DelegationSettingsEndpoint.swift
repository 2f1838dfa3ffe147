import Hummingbird

/// An organization's delegated-access policy, as `GET /orgs/{orgId}/delegationSettings` serves it
/// (`OrgDelegationSettingsResponse`); nil lifetimes are left out of the body (the system default applies).
public struct SimulatedDelegationSettings: Sendable, Equatable {
    /// `DISALLOWED`, `READ_ONLY` or `READ_WRITE`.
    public var delegatedMcpAccess: String
    /// `DISALLOWED` or `READ_WRITE`.
    public var delegatedPartnerAccess: String
    public var idleRefreshTokenLifetime: Int?
    public var maximumRefreshTokenLifetime: Int?

    public init(delegatedMcpAccess: String = "DISALLOWED", delegatedPartnerAccess: String = "DISALLOWED",
                idleRefreshTokenLifetime: Int? = nil, maximumRefreshTokenLifetime: Int? = nil) {
        self.delegatedMcpAccess = delegatedMcpAccess
        self.delegatedPartnerAccess = delegatedPartnerAccess
        self.idleRefreshTokenLifetime = idleRefreshTokenLifetime
        self.maximumRefreshTokenLifetime = maximumRefreshTokenLifetime
    }

    /// Org `index` of a generated inventory: MCP access cycles through the three policies, every fourth org lets
    /// partners write, and even orgs set both token lifetimes (a day idle, 30 days at most). No random draw, so
    /// the other generated values stay as they were.
    static func generated(orgIndex index: Int) -> SimulatedDelegationSettings {
        let policies = ["DISALLOWED", "READ_ONLY", "READ_WRITE"]
        return SimulatedDelegationSettings(
            delegatedMcpAccess: policies[index % policies.count],
            delegatedPartnerAccess: index % 4 == 3 ? "READ_WRITE" : "DISALLOWED",
            idleRefreshTokenLifetime: index % 2 == 0 ? 86_400 : nil,
            maximumRefreshTokenLifetime: index % 2 == 0 ? 2_592_000 : nil)
    }
}

extension APIBody {
    /// The only version the endpoint answers to (MongoDB's spec).
    static let delegationSettingsMediaType = "application/vnd.atlas.2025-03-12+json"

    struct DelegationSettings: Encodable {
        var delegatedMcpAccess: String
        var delegatedPartnerAccess: String
        var idleRefreshTokenLifetime: Int?
        var maximumRefreshTokenLifetime: Int?
    }
}

/// `GET /orgs/{orgId}/delegationSettings`: Atlas v2 only (404 under v1.0, Cloud and Ops Manager, and with
/// `SimulatorFaults.settingsNotFound`), with the 2025-03-12 media type (see `requiredMediaType`).
extension AtlasSimulator {
    func addDelegationRoutes(_ group: RouterGroup<BasicRequestContext>, prefix: String) {
        group.get("orgs/:orgID/delegationSettings") { _, context in
            self.getDelegationSettings(prefix: prefix, orgID: context.parameters.get("orgID") ?? "")
        }
    }

    private func getDelegationSettings(prefix: String, orgID: String) -> Response {
        record { $0.delegationSettingsRequests += 1 }
        guard prefix == Self.serviceAccountPrefix, inventory.flavor == .atlas, !faults.settingsNotFound,
              !faults.delegationSettingsNotFound else {
            return error(404, "RESOURCE_NOT_FOUND", "Cannot find resource /orgs/\(orgID)/delegationSettings.")
        }
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        let settings = org.delegation
        var response = json(APIBody.DelegationSettings(
            delegatedMcpAccess: settings.delegatedMcpAccess, delegatedPartnerAccess: settings.delegatedPartnerAccess,
            idleRefreshTokenLifetime: settings.idleRefreshTokenLifetime,
            maximumRefreshTokenLifetime: settings.maximumRefreshTokenLifetime), prefix: prefix)
        response.headers[.contentType] = "\(APIBody.delegationSettingsMediaType);charset=utf-8"
        return response
    }
}
