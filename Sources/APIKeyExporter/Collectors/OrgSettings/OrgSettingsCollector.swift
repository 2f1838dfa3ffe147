#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `org_settings` (`--[no-]collector.org-settings`, on by default for Atlas base URLs): how each organization guards
/// API access, from `GET /orgs/{orgId}/settings`: whether it requires an IP access list for the API and MFA for its
/// users, whether MongoDB staff need its permission, and how long a service account secret may live. A change of a
/// setting between two reads is logged once (the activity feed says who made it).
///
/// An API without the resource (Cloud and Ops Manager answer 404) marks the collector unsupported for the target,
/// logged once and no longer asked; a 403 (a key below Organization Member) fails this collector only.
final class OrgSettingsCollector: OrgCollector {
    static let name = "org_settings"
    static let needsCurrentInventory = false
    static let targetKeys = ["org_settings"]
    static let statusColumns = ["API access list required", "MFA required", "Employee access restricted",
                                "Max secret validity (h)"]

    private let unsupported = OnceFlag()

    static func make(_ target: CollectorTarget) -> OrgSettingsCollector? {
        let isAtlas = target.flavor == .atlasV2 || target.flavor == .atlasV1
        return (target.setting(OrgSettingsSetting.self).enabled ?? isAtlas) ? OrgSettingsCollector() : nil
    }

    static func readTarget(_ keys: TargetKeys, into settings: inout CollectorSettings) throws(ConfigError) {
        if let enabled = try keys.bool("org_settings") {
            settings[OrgSettingsSetting.self] = OrgSettingsSetting(enabled: enabled)
        }
    }

    static func configLines(_ settings: CollectorSettings) -> [String] {
        ["org_settings: \(settings[OrgSettingsSetting.self].enabled.map { "\($0)" } ?? "auto  # on for Atlas base URLs")"]
    }

    static func targetConfigLines(_ settings: CollectorSettings) -> [String] {
        settings.value(OrgSettingsSetting.self)?.enabled.map { ["org_settings: \($0)"] } ?? []
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        guard !unsupported.isSet else { return }
        let settings: OrgSettings
        do throws(APIError) {
            settings = try context.client.getOrgSettings(orgID: org.orgID)
        } catch .http(404, _, _) {
            if unsupported.setFirstTime() {
                context.logger.warning("this API has no organization settings (404); the org_settings collector is off for this target",
                                       metadata: ["target": "\(context.targetName)"])
            }
            return
        }
        if let before = org.orgSettings?.settings {
            for (old, new) in zip(before.fields, settings.fields) where old.value != new.value {
                context.logger.info("org setting change", metadata: [
                    "target": "\(context.targetName)", "org_id": "\(org.orgID)", "setting": "\(new.name)",
                    "before": "\(old.value ?? "")", "after": "\(new.value ?? "")"])
            }
        }
        org.orgSettings = OrgSettingsState(settings: settings)
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        org.orgSettings?.lastReadSucceeded = false
        context.logger.error("organization settings read failed; keeping the last known settings", metadata: [
            "target": "\(context.targetName)", "org_id": "\(org.orgID)", "reason": "\(error.reason)", "err": "\(error)"])
    }

    /// Yes or no per setting, a weak one (not required, not restricted) marked; "–" where the API left it out.
    static func statusCells(_ org: OrgStatus) -> [StatusCell] {
        let settings = org.orgSettings?.settings
        func flag(_ value: Bool?) -> StatusCell {
            StatusCell(value.map { $0 ? "yes" : "no" }, cssClass: value == false ? "bad" : nil)
        }
        return [flag(settings?.apiAccessListRequired), flag(settings?.multiFactorAuthRequired),
                flag(settings?.restrictEmployeeAccess), StatusCell(count: settings?.maxServiceAccountSecretValidityInHours)]
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        OrgSettingsFamilies.all(scope)
    }
}
