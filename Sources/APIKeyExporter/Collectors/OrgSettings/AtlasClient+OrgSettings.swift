#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport

/// The endpoints the `org_settings` collector reads.
extension AtlasClient {
    /// The only version `GET /orgs/{orgId}/delegationSettings` answers to (MongoDB's spec).
    public static let delegationSettingsMediaType = "application/vnd.atlas.2025-03-12+json"

    /// `GET /orgs/{orgId}/settings` (Atlas only; Organization Member may read it).
    public func getOrgSettings(orgID: String) throws(APIError) -> OrgSettings {
        try get(path: "/orgs/\(Self.escapePathSegment(orgID))/settings")
    }

    /// `GET /orgs/{orgId}/delegationSettings` (Atlas v2 only; Organization Member).
    public func getDelegationSettings(orgID: String) throws(APIError) -> DelegationSettings {
        try get(path: "/orgs/\(Self.escapePathSegment(orgID))/delegationSettings", accept: Self.delegationSettingsMediaType)
    }
}

/// What `OrganizationSettings` says about guarding API access; its other fields (session timeouts, Streams switch)
/// are not read. A field the answer leaves out stays nil, and its series is left out: a setting nobody reported is
/// not a setting that is off.
public struct OrgSettings: Decodable, Sendable, Equatable {
    public var apiAccessListRequired: Bool?
    public var multiFactorAuthRequired: Bool?
    public var restrictEmployeeAccess: Bool?
    /// 8 to 8760 in the spec; exported as the API sends it.
    public var maxServiceAccountSecretValidityInHours: Int?
    /// Whether `securityContact` is a non-empty address; the address itself is never kept.
    public var securityContactDefined: Bool?
    public var genAIFeaturesEnabled: Bool?

    public init(apiAccessListRequired: Bool? = nil, multiFactorAuthRequired: Bool? = nil,
                restrictEmployeeAccess: Bool? = nil, maxServiceAccountSecretValidityInHours: Int? = nil,
                securityContactDefined: Bool? = nil, genAIFeaturesEnabled: Bool? = nil) {
        self.apiAccessListRequired = apiAccessListRequired
        self.multiFactorAuthRequired = multiFactorAuthRequired
        self.restrictEmployeeAccess = restrictEmployeeAccess
        self.maxServiceAccountSecretValidityInHours = maxServiceAccountSecretValidityInHours
        self.securityContactDefined = securityContactDefined
        self.genAIFeaturesEnabled = genAIFeaturesEnabled
    }

    enum CodingKeys: String, CodingKey {
        case apiAccessListRequired, multiFactorAuthRequired, restrictEmployeeAccess, maxServiceAccountSecretValidityInHours
        case securityContact, genAIFeaturesEnabled
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiAccessListRequired = try container.decodeIfPresent(Bool.self, forKey: .apiAccessListRequired)
        multiFactorAuthRequired = try container.decodeIfPresent(Bool.self, forKey: .multiFactorAuthRequired)
        restrictEmployeeAccess = try container.decodeIfPresent(Bool.self, forKey: .restrictEmployeeAccess)
        maxServiceAccountSecretValidityInHours = try container.decodeIfPresent(Int.self, forKey: .maxServiceAccountSecretValidityInHours)
        securityContactDefined = try container.decodeIfPresent(String.self, forKey: .securityContact)
            .map { !$0.trimmingWhitespace().isEmpty }
        genAIFeaturesEnabled = try container.decodeIfPresent(Bool.self, forKey: .genAIFeaturesEnabled)
    }

    /// Each setting's name as the API spells it, with its value as text (nil when left out), in a fixed order:
    /// for change logs and the status page. The security contact shows as defined or not, never its address.
    var fields: [(name: String, value: String?)] {
        [("apiAccessListRequired", apiAccessListRequired.map { "\($0)" }),
         ("multiFactorAuthRequired", multiFactorAuthRequired.map { "\($0)" }),
         ("restrictEmployeeAccess", restrictEmployeeAccess.map { "\($0)" }),
         ("maxServiceAccountSecretValidityInHours", maxServiceAccountSecretValidityInHours.map { "\($0)" }),
         ("securityContact", securityContactDefined.map { $0 ? "defined" : "empty" }),
         ("genAIFeaturesEnabled", genAIFeaturesEnabled.map { "\($0)" })]
    }
}

/// `OrgDelegationSettingsResponse`: who may act on the org through delegated access (AI agents through MCP,
/// partners) and how long their refresh tokens live. Policies are open strings (an unknown one is exported as it
/// comes); a lifetime the API leaves out or sends as null means the system default, and has no series.
public struct DelegationSettings: Codable, Sendable, Equatable {
    /// `DISALLOWED`, `READ_ONLY` or `READ_WRITE`.
    public var delegatedMcpAccess: String?
    /// `DISALLOWED` or `READ_WRITE`.
    public var delegatedPartnerAccess: String?
    /// Seconds.
    public var idleRefreshTokenLifetime: Int?
    /// Seconds.
    public var maximumRefreshTokenLifetime: Int?

    public init(delegatedMcpAccess: String? = nil, delegatedPartnerAccess: String? = nil,
                idleRefreshTokenLifetime: Int? = nil, maximumRefreshTokenLifetime: Int? = nil) {
        self.delegatedMcpAccess = delegatedMcpAccess
        self.delegatedPartnerAccess = delegatedPartnerAccess
        self.idleRefreshTokenLifetime = idleRefreshTokenLifetime
        self.maximumRefreshTokenLifetime = maximumRefreshTokenLifetime
    }

    static let mcpAccessValues = ["DISALLOWED", "READ_ONLY", "READ_WRITE"]
    static let partnerAccessValues = ["DISALLOWED", "READ_WRITE"]

    /// As `OrgSettings.fields`.
    var fields: [(name: String, value: String?)] {
        [("delegatedMcpAccess", delegatedMcpAccess), ("delegatedPartnerAccess", delegatedPartnerAccess),
         ("idleRefreshTokenLifetime", idleRefreshTokenLifetime.map { "\($0)" }),
         ("maximumRefreshTokenLifetime", maximumRefreshTokenLifetime.map { "\($0)" })]
    }
}

/// An org's settings as last read.
struct OrgSettingsState: Sendable {
    var settings: OrgSettings
    /// Nil until read, and where the API has no delegation settings.
    var delegation: DelegationSettings?
    /// Whether the last read succeeded; false marks `settings` as stale.
    var lastReadSucceeded = true
}

extension OrgStatus {
    /// Nil until the `org_settings` collector has read the org's settings once.
    var orgSettings: OrgSettingsState? {
        get { collected[OrgSettingsState.self] }
        set { collected[OrgSettingsState.self] = newValue }
    }
}
