#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// `org_settings` (`--[no-]collector.org-settings`, on by default for Atlas base URLs): how each organization guards
/// API access, from `GET /orgs/{orgId}/settings`: whether it requires an IP access list for the API and MFA for its
/// users, whether MongoDB staff need its permission, how long a service account secret may live, whether it names a
/// security contact and allows GenAI features; and from `GET /orgs/{orgId}/delegationSettings` (Atlas v2) who may
/// act on it through delegated access (MCP agents, partners) and how long their refresh tokens live. A change of a
/// setting between two reads is logged once (the activity feed says who made it), also across a restart with
/// `--storage.path`.
///
/// An API without the resource (Cloud and Ops Manager answer 404) marks the collector unsupported for the target,
/// logged once and no longer asked; a 403 (a key below Organization Member) fails this collector only. An API with
/// settings but no delegation settings (404 there alone) has that part turned off for the target, logged once.
final class OrgSettingsCollector: OrgCollector, SwitchableCollector {
    static let name = "org_settings"
    static let onByDefault: Set<APIFlavor> = [.atlasV2, .atlasV1]
    static let switchHelp = "Read each organization's security settings (API access list and MFA required, employee access, service account secret validity, security contact, delegated access). Default: on for Atlas base URLs."
    static let statusColumns = ["API access list required", "MFA required", "Employee access restricted",
                                "Max secret validity (h)", "Delegated MCP access", "Delegated partner access"]

    /// Whether delegation settings are still asked for: only Atlas v2 has them, and a 404 turns them off.
    private let delegation: Mutex<Bool>

    init(readsDelegation: Bool = true) {
        delegation = Mutex(readsDelegation)
    }

    static func make(_ target: CollectorTarget) -> OrgSettingsCollector? {
        guard target.switchState(Self.self).on else { return nil }
        return OrgSettingsCollector(readsDelegation: ![.atlasV1, .publicV1].contains(target.flavor))
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        let settings = try context.client.getOrgSettings(orgID: org.orgID)
        var delegation: DelegationSettings?
        if self.delegation.withLock({ $0 }) {
            do {
                delegation = try context.client.getDelegationSettings(orgID: org.orgID)
            } catch .http(404, _, _) {
                // The settings answered: this API lacks only the delegation part. Once per target, then not asked.
                let first = self.delegation.withLock { asked in
                    defer { asked = false }
                    return asked
                }
                if first {
                    context.logger.warning("this API has no delegation settings (404); not reading them", metadata: [
                        "target": "\(context.targetName)", "org_id": "\(org.orgID)"])
                }
            }
        }
        let before = org.orgSettings
        if let before {
            logChanges(before.settings.fields, settings.fields, org: org, context: context)
            if let old = before.delegation, let new = delegation { logChanges(old.fields, new.fields, org: org, context: context) }
        }
        org.orgSettings = OrgSettingsState(settings: settings, delegation: delegation)
    }

    private func logChanges(_ before: [(name: String, value: String?)], _ after: [(name: String, value: String?)],
                            org: OrgStatus, context: OrgCollectionContext) {
        for (old, new) in zip(before, after) where old.value != new.value {
            context.logger.info("org setting change", metadata: [
                "target": "\(context.targetName)", "org_id": "\(org.orgID)", "setting": "\(new.name)",
                "before": "\(old.value ?? "")", "after": "\(new.value ?? "")"])
        }
    }

    func unsupported(by error: APIError) -> String? {
        if case .http(404, _, _) = error { return "this API has no organization settings (404)" }
        return nil
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        org.orgSettings?.lastReadSucceeded = false
        context.logger.error("organization settings read failed; keeping the last known settings", metadata: [
            "target": "\(context.targetName)", "org_id": "\(org.orgID)", "reason": "\(error.reason)", "err": "\(error)"])
    }

    /// Yes or no per setting, a weak one (not required, not restricted) marked; "–" where the API left it out.
    static func statusCells(_ org: OrgStatus) -> [StatusCell] {
        let settings = org.orgSettings?.settings
        let delegation = org.orgSettings?.delegation
        func flag(_ value: Bool?) -> StatusCell {
            StatusCell(value.map { $0 ? "yes" : "no" }, cssClass: value == false ? "bad" : nil)
        }
        func access(_ value: String?) -> StatusCell {
            StatusCell(value, cssClass: value == "READ_WRITE" ? "bad" : nil)
        }
        return [flag(settings?.apiAccessListRequired), flag(settings?.multiFactorAuthRequired),
                flag(settings?.restrictEmployeeAccess), StatusCell(count: settings?.maxServiceAccountSecretValidityInHours),
                access(delegation?.delegatedMcpAccess), access(delegation?.delegatedPartnerAccess)]
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        OrgSettingsFamilies.all(scope) + OrgSettingsFamilies.delegation(scope)
    }
}
