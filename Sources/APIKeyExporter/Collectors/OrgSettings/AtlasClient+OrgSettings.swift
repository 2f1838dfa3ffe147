/// The endpoint the `org_settings` collector reads.
extension AtlasClient {
    /// `GET /orgs/{orgId}/settings` (Atlas only; Organization Member may read it).
    public func getOrgSettings(orgID: String) throws(APIError) -> OrgSettings {
        try get(path: "/orgs/\(Self.escapePathSegment(orgID))/settings")
    }
}

/// What `OrganizationSettings` says about guarding API access; its other fields (contacts, session timeouts, GenAI
/// and Streams switches) are not read. A field the answer leaves out stays nil, and its series is left out: a
/// setting nobody reported is not a setting that is off.
public struct OrgSettings: Decodable, Sendable, Equatable {
    public var apiAccessListRequired: Bool?
    public var multiFactorAuthRequired: Bool?
    public var restrictEmployeeAccess: Bool?
    /// 8 to 8760 in the spec; exported as the API sends it.
    public var maxServiceAccountSecretValidityInHours: Int?

    public init(apiAccessListRequired: Bool? = nil, multiFactorAuthRequired: Bool? = nil,
                restrictEmployeeAccess: Bool? = nil, maxServiceAccountSecretValidityInHours: Int? = nil) {
        self.apiAccessListRequired = apiAccessListRequired
        self.multiFactorAuthRequired = multiFactorAuthRequired
        self.restrictEmployeeAccess = restrictEmployeeAccess
        self.maxServiceAccountSecretValidityInHours = maxServiceAccountSecretValidityInHours
    }

    /// Each setting's name as the API spells it, with its value as text (nil when left out), in a fixed order:
    /// for change logs and the status page.
    var fields: [(name: String, value: String?)] {
        [("apiAccessListRequired", apiAccessListRequired.map { "\($0)" }),
         ("multiFactorAuthRequired", multiFactorAuthRequired.map { "\($0)" }),
         ("restrictEmployeeAccess", restrictEmployeeAccess.map { "\($0)" }),
         ("maxServiceAccountSecretValidityInHours", maxServiceAccountSecretValidityInHours.map { "\($0)" })]
    }
}

/// An org's settings as last read.
struct OrgSettingsState: Sendable {
    var settings: OrgSettings
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
