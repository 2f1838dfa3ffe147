/// What `org_settings` keeps across a restart: the settings and delegation settings last read, so that a value
/// changed while the exporter was down is logged once by the first read after the start. Restored values show
/// as stale until then.
extension OrgSettingsCollector: PersistentOrgCollector {
    struct Saved: Codable {
        var apiAccessListRequired: Bool?
        var multiFactorAuthRequired: Bool?
        var restrictEmployeeAccess: Bool?
        var maxServiceAccountSecretValidityInHours: Int?
        var securityContactDefined: Bool?
        var genAIFeaturesEnabled: Bool?
        var delegation: DelegationSettings?
    }

    static func saved(_ org: OrgStatus) -> Saved? {
        guard let state = org.orgSettings else { return nil }
        let settings = state.settings
        return Saved(apiAccessListRequired: settings.apiAccessListRequired,
                     multiFactorAuthRequired: settings.multiFactorAuthRequired,
                     restrictEmployeeAccess: settings.restrictEmployeeAccess,
                     maxServiceAccountSecretValidityInHours: settings.maxServiceAccountSecretValidityInHours,
                     securityContactDefined: settings.securityContactDefined,
                     genAIFeaturesEnabled: settings.genAIFeaturesEnabled, delegation: state.delegation)
    }

    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double) {
        let settings = OrgSettings(
            apiAccessListRequired: saved.apiAccessListRequired, multiFactorAuthRequired: saved.multiFactorAuthRequired,
            restrictEmployeeAccess: saved.restrictEmployeeAccess,
            maxServiceAccountSecretValidityInHours: saved.maxServiceAccountSecretValidityInHours,
            securityContactDefined: saved.securityContactDefined, genAIFeaturesEnabled: saved.genAIFeaturesEnabled)
        org.orgSettings = OrgSettingsState(settings: settings, delegation: saved.delegation, lastReadSucceeded: false)
    }
}
