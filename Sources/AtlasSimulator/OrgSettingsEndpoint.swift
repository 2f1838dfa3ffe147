import Hummingbird

/// `GET /orgs/{orgId}/settings`: the org's `OrganizationSettings` under `/api/atlas/v2` (2023-01-01 media type) and
/// `/api/atlas/v1.0`. Cloud and Ops Manager have no such resource: under `/api/public/v1.0`, or for an inventory
/// of another flavor, it answers 404. `SimulatorFaults.settingsNotFound` makes every org answer 404 (an API
/// without settings); `usersWithoutSettingsAccess` refuses those Digest users with 403.
extension AtlasSimulator {
    func addSettingsRoutes(_ group: RouterGroup<BasicRequestContext>, prefix: String) {
        group.get("orgs/:orgID/settings") { request, context in
            self.getOrgSettings(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "")
        }
    }

    private func getOrgSettings(_ request: Request, prefix: String, orgID: String) -> Response {
        record { $0.settingsRequests += 1 }
        let faults = self.faults
        guard prefix != Self.opsManagerPrefix, inventory.flavor == .atlas, !faults.settingsNotFound else {
            return error(404, "RESOURCE_NOT_FOUND", "Cannot find resource /orgs/\(orgID)/settings.")
        }
        if faults.usersWithoutSettingsAccess.contains(Self.digestUsername(request) ?? "") {
            return error(403, "USER_UNAUTHORIZED", "Current user is not authorized to perform this action.")
        }
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        return json(APIBody.orgSettings(org.settings), prefix: prefix)
    }
}

extension SimulatorState {
    /// Changes the org's settings with `change` and records one event per change, in a fixed order (see
    /// `settingsEvents`), all by `actor` from `address` with `delegatePrincipal`. Nil (and no change) if the org is
    /// unknown; an empty list if nothing changed.
    mutating func changeOrgSettings(orgID: String, actor: SimulatedActor, address: String,
                                    delegatePrincipal: SimulatedPrincipal?, at milliseconds: UInt64,
                                    _ change: (inout SimulatedOrgSettings) -> Void) -> [SimulatedEvent]? {
        guard let orgIndex = inventory.orgIndex(orgID) else { return nil }
        let before = inventory.orgs[orgIndex].settings
        change(&inventory.orgs[orgIndex].settings)
        let after = inventory.orgs[orgIndex].settings
        guard before != after else { return [] }
        generation += 1
        let keys = inventory.orgs[orgIndex].keys
        return Self.settingsEvents(before, after).map { type, keyID in
            events.append(orgID: orgID, type: type, actor: actor, address: address,
                          targetPublicKey: keyID.flatMap { id in keys.first { $0.id == id }?.publicKey },
                          delegatePrincipal: delegatePrincipal, at: milliseconds)
        }
    }

    /// The event types a change of settings records, each with the key it is about: a flag turned on or off (a
    /// missing flag counts as off), a new maximum secret validity or security contact, a key that started or
    /// stopped inheriting the UI access list.
    static func settingsEvents(_ before: SimulatedOrgSettings,
                               _ after: SimulatedOrgSettings) -> [(type: String, keyID: String?)] {
        typealias Org = SimulatedOrgSecurityEventType
        typealias Other = SimulatedOrgEventType
        var made: [(String, String?)] = []
        func flag(_ old: Bool, _ new: Bool, on: String, off: String) {
            if old != new { made.append((new ? on : off, nil)) }
        }
        flag(before.apiAccessListRequired ?? false, after.apiAccessListRequired ?? false,
             on: Org.apiAccessListRequired.rawValue, off: Org.apiAccessListNotRequired.rawValue)
        flag(before.multiFactorAuthRequired ?? false, after.multiFactorAuthRequired ?? false,
             on: Other.twoFactorAuthRequired.rawValue, off: Other.twoFactorAuthOptional.rawValue)
        flag(before.restrictEmployeeAccess ?? false, after.restrictEmployeeAccess ?? false,
             on: Org.employeeAccessRestricted.rawValue, off: Org.employeeAccessUnrestricted.rawValue)
        flag(before.uiAccessListEnabled, after.uiAccessListEnabled,
             on: Org.uiAccessListEnabled.rawValue, off: Org.uiAccessListDisabled.rawValue)
        if before.maxServiceAccountSecretValidityInHours != after.maxServiceAccountSecretValidityInHours {
            made.append((Org.maxSecretValidityEdited.rawValue, nil))
        }
        if before.securityContact != after.securityContact { made.append((Other.securityContactModified.rawValue, nil)) }
        flag(before.serviceAccountSecretsExpiring, after.serviceAccountSecretsExpiring,
             on: Org.secretsExpiring.rawValue, off: Org.secretsNoLongerExpiring.rawValue)
        flag(before.serviceAccountSecretsExpired, after.serviceAccountSecretsExpired,
             on: Org.secretsExpired.rawValue, off: Org.secretsNoLongerExpired.rawValue)
        for key in after.keysInheritingUIAccessList.subtracting(before.keysInheritingUIAccessList).sorted() {
            made.append((SimulatedEventType.apiKeyUIAccessListInheritanceEnabled.rawValue, key))
        }
        for key in before.keysInheritingUIAccessList.subtracting(after.keysInheritingUIAccessList).sorted() {
            made.append((SimulatedEventType.apiKeyUIAccessListInheritanceDisabled.rawValue, key))
        }
        return made
    }
}

extension AtlasSimulator {
    /// The org's settings: the optional fields are those `/settings` serves (`servedFields` names them).
    public func orgSettings(_ orgID: String) -> SimulatedOrgSettings? {
        inventory.org(orgID)?.settings
    }

    /// Changes the org's settings and records the matching events (see `SimulatorState.settingsEvents`) by
    /// `actor` from `address`, at `milliseconds` (nil: the event clock), in one step. Nil if the org is unknown.
    @discardableResult
    public func changeOrgSettings(orgID: String, actor: SimulatedActor, address: String,
                                  delegatePrincipal: SimulatedPrincipal? = nil, at milliseconds: UInt64? = nil,
                                  _ change: (inout SimulatedOrgSettings) -> Void) -> [SimulatedEvent]? {
        let time = milliseconds ?? eventClock()
        return withState {
            $0.changeOrgSettings(orgID: orgID, actor: actor, address: address, delegatePrincipal: delegatePrincipal,
                                 at: time, change)
        }
    }

    /// How many events of each type were recorded for the org since the simulator started, whatever the feed
    /// still holds (it keeps `eventLogCapacity`).
    public func recordedEventCounts(orgID: String) -> [String: Int] {
        withState { $0.events.recordedCounts[orgID] ?? [:] }
    }
}
