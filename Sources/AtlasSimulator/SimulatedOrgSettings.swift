/// An organization's security settings. The optional fields are what `GET /orgs/{orgId}/settings` serves as
/// MongoDB's `OrganizationSettings` (Atlas Admin API v2, 2023-01-01); nil leaves the field out of the body, as an
/// answer without it. The rest has no field in that body but is state the org's security events follow.
public struct SimulatedOrgSettings: Sendable, Equatable {
    public var apiAccessListRequired: Bool?
    public var multiFactorAuthRequired: Bool?
    public var restrictEmployeeAccess: Bool?
    /// 8 to 8760 in the spec; the simulator serves whatever is set.
    public var maxServiceAccountSecretValidityInHours: Int?
    /// Fields a client should ignore, served so that it has to.
    public var securityContact: String?
    public var genAIFeaturesEnabled: Bool?
    public var streamsCrossGroupEnabled: Bool?
    public var customSessionTimeouts: SimulatedSessionTimeouts?

    /// Whether the org's UI IP access list is on (`ORG_UI_IP_ACCESS_LIST_ENABLED` / `_DISABLED`).
    public var uiAccessListEnabled: Bool
    /// Whether Atlas reports some of the org's service account secrets expiring, or expired (the
    /// `ORG_SERVICE_ACCOUNT_SECRETS_*` events).
    public var serviceAccountSecretsExpiring: Bool
    public var serviceAccountSecretsExpired: Bool
    /// Ids of the org's API keys that inherit the UI IP access list (`API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_*`).
    public var keysInheritingUIAccessList: Set<String>

    public init(apiAccessListRequired: Bool? = nil, multiFactorAuthRequired: Bool? = nil,
                restrictEmployeeAccess: Bool? = nil, maxServiceAccountSecretValidityInHours: Int? = nil,
                securityContact: String? = nil, genAIFeaturesEnabled: Bool? = nil, streamsCrossGroupEnabled: Bool? = nil,
                customSessionTimeouts: SimulatedSessionTimeouts? = nil, uiAccessListEnabled: Bool = false,
                serviceAccountSecretsExpiring: Bool = false, serviceAccountSecretsExpired: Bool = false,
                keysInheritingUIAccessList: Set<String> = []) {
        self.apiAccessListRequired = apiAccessListRequired
        self.multiFactorAuthRequired = multiFactorAuthRequired
        self.restrictEmployeeAccess = restrictEmployeeAccess
        self.maxServiceAccountSecretValidityInHours = maxServiceAccountSecretValidityInHours
        self.securityContact = securityContact
        self.genAIFeaturesEnabled = genAIFeaturesEnabled
        self.streamsCrossGroupEnabled = streamsCrossGroupEnabled
        self.customSessionTimeouts = customSessionTimeouts
        self.uiAccessListEnabled = uiAccessListEnabled
        self.serviceAccountSecretsExpiring = serviceAccountSecretsExpiring
        self.serviceAccountSecretsExpired = serviceAccountSecretsExpired
        self.keysInheritingUIAccessList = keysInheritingUIAccessList
    }

    /// What an org made without settings answers: every field Atlas gives a new org, nothing required.
    public static let atlasDefaults = SimulatedOrgSettings(
        apiAccessListRequired: false, multiFactorAuthRequired: false, restrictEmployeeAccess: false,
        maxServiceAccountSecretValidityInHours: 8760, genAIFeaturesEnabled: true, streamsCrossGroupEnabled: false)

    /// The names of the fields the body has, sorted.
    public var servedFields: [String] {
        let present: [(String, Bool)] = [
            ("apiAccessListRequired", apiAccessListRequired != nil), ("customSessionTimeouts", customSessionTimeouts != nil),
            ("genAIFeaturesEnabled", genAIFeaturesEnabled != nil),
            ("maxServiceAccountSecretValidityInHours", maxServiceAccountSecretValidityInHours != nil),
            ("multiFactorAuthRequired", multiFactorAuthRequired != nil),
            ("restrictEmployeeAccess", restrictEmployeeAccess != nil), ("securityContact", securityContact != nil),
            ("streamsCrossGroupEnabled", streamsCrossGroupEnabled != nil),
        ]
        return present.filter(\.1).map(\.0)
    }
}

/// `CustomSessionTimeouts` (seconds), a nested object a client must skip.
public struct SimulatedSessionTimeouts: Sendable, Equatable {
    public var absoluteSessionTimeoutInSeconds: Int
    public var idleSessionTimeoutInSeconds: Int

    public init(absoluteSessionTimeoutInSeconds: Int, idleSessionTimeoutInSeconds: Int) {
        self.absoluteSessionTimeoutInSeconds = absoluteSessionTimeoutInSeconds
        self.idleSessionTimeoutInSeconds = idleSessionTimeoutInSeconds
    }
}

/// A principal that triggered an event through delegated access (the spec's `Principal`, an event's
/// `delegatePrincipal`): `id`, `name`, and `onBehalfOf`, itself a principal, e.g. an OAuth application acting for
/// a user.
public struct SimulatedPrincipal: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Holds at most one principal: a struct cannot hold an optional of itself.
    private var behalf: [SimulatedPrincipal]

    public var onBehalfOf: SimulatedPrincipal? {
        get { behalf.first }
        set { behalf = newValue.map { [$0] } ?? [] }
    }

    public init(id: String, name: String, onBehalfOf: SimulatedPrincipal? = nil) {
        self.id = id
        self.name = name
        self.behalf = onBehalfOf.map { [$0] } ?? []
    }
}

/// The organization events that change how API access is guarded (MongoDB's `OrgEventTypeViewForOrg` names).
public enum SimulatedOrgSecurityEventType: String, Sendable, CaseIterable {
    case apiAccessListRequired = "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED"
    case apiAccessListNotRequired = "ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED"
    case employeeAccessRestricted = "ORG_EMPLOYEE_ACCESS_RESTRICTED"
    case employeeAccessUnrestricted = "ORG_EMPLOYEE_ACCESS_UNRESTRICTED"
    case uiAccessListEnabled = "ORG_UI_IP_ACCESS_LIST_ENABLED"
    case uiAccessListDisabled = "ORG_UI_IP_ACCESS_LIST_DISABLED"
    case maxSecretValidityEdited = "ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED"
    case secretsExpiring = "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRING"
    case secretsExpired = "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRED"
    case secretsNoLongerExpiring = "ORG_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRING"
    case secretsNoLongerExpired = "ORG_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRED"
}

/// Other org event types a settings change records (also in `OrgEventTypeViewForOrg`), outside the list above.
public enum SimulatedOrgEventType: String, Sendable, CaseIterable {
    case twoFactorAuthRequired = "ORG_TWO_FACTOR_AUTH_REQUIRED"
    case twoFactorAuthOptional = "ORG_TWO_FACTOR_AUTH_OPTIONAL"
    case securityContactModified = "SECURITY_CONTACT_MODIFIED"
}

extension APIBody {
    /// `OrganizationSettings`: nil fields are left out.
    struct OrgSettings: Encodable {
        var apiAccessListRequired: Bool?
        var customSessionTimeouts: SessionTimeouts?
        var genAIFeaturesEnabled: Bool?
        var maxServiceAccountSecretValidityInHours: Int?
        var multiFactorAuthRequired: Bool?
        var restrictEmployeeAccess: Bool?
        var securityContact: String?
        var streamsCrossGroupEnabled: Bool?
    }

    struct SessionTimeouts: Encodable {
        var absoluteSessionTimeoutInSeconds: Int
        var idleSessionTimeoutInSeconds: Int
    }

    /// `Principal`; a class, since it holds one of its own kind.
    final class Principal: Encodable {
        let id: String
        let name: String
        let onBehalfOf: Principal?

        init(_ principal: SimulatedPrincipal) {
            id = principal.id
            name = principal.name
            onBehalfOf = principal.onBehalfOf.map(Principal.init)
        }
    }

    static func orgSettings(_ settings: SimulatedOrgSettings) -> OrgSettings {
        OrgSettings(
            apiAccessListRequired: settings.apiAccessListRequired,
            customSessionTimeouts: settings.customSessionTimeouts.map {
                SessionTimeouts(absoluteSessionTimeoutInSeconds: $0.absoluteSessionTimeoutInSeconds,
                                idleSessionTimeoutInSeconds: $0.idleSessionTimeoutInSeconds)
            },
            genAIFeaturesEnabled: settings.genAIFeaturesEnabled,
            maxServiceAccountSecretValidityInHours: settings.maxServiceAccountSecretValidityInHours,
            multiFactorAuthRequired: settings.multiFactorAuthRequired, restrictEmployeeAccess: settings.restrictEmployeeAccess,
            securityContact: settings.securityContact, streamsCrossGroupEnabled: settings.streamsCrossGroupEnabled)
    }
}
