#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the simulator serves and remembers, changed under one lock: the inventory, a generation counted up by every
/// change to it (for `pageCache`), and each org's activity feed.
struct SimulatorState: Sendable {
    var inventory: SimulatedInventory
    var generation = 0
    var events: EventLog
    /// Each project's activity feed, by project id (events there carry the project's org as `orgId` when served).
    var projectEvents = EventLog(capacity: 10_000)

    /// Adds `key` to the org and records `API_KEY_CREATED`; nil (and no change) if the org is unknown.
    @discardableResult
    mutating func createKey(orgID: String, key: SimulatedKey, actor: SimulatedActor, address: String,
                            at milliseconds: UInt64) -> SimulatedEvent? {
        guard let orgIndex = inventory.orgIndex(orgID) else { return nil }
        inventory.orgs[orgIndex].keys.append(key)
        generation += 1
        return events.append(orgID: orgID, type: SimulatedEventType.apiKeyCreated.rawValue, actor: actor,
                             address: address, targetPublicKey: key.publicKey, at: milliseconds)
    }

    /// Removes the key and records `API_KEY_DELETED`; nil (and no change) if the org or key is unknown.
    @discardableResult
    mutating func deleteKey(orgID: String, keyID: String, actor: SimulatedActor, address: String,
                            at milliseconds: UInt64) -> SimulatedEvent? {
        guard let (orgIndex, keyIndex) = indices(orgID: orgID, keyID: keyID) else { return nil }
        let removed = inventory.orgs[orgIndex].keys.remove(at: keyIndex)
        generation += 1
        return events.append(orgID: orgID, type: SimulatedEventType.apiKeyDeleted.rawValue, actor: actor,
                             address: address, targetPublicKey: removed.publicKey, at: milliseconds)
    }

    /// Gives the key these roles and records `API_KEY_ROLES_CHANGED`; nil if the org or key is unknown.
    @discardableResult
    mutating func setRoles(orgID: String, keyID: String, roles: [SimulatedRole], actor: SimulatedActor,
                           address: String, at milliseconds: UInt64) -> SimulatedEvent? {
        changeKey(orgID: orgID, keyID: keyID, type: .apiKeyRolesChanged, actor: actor, address: address, at: milliseconds) {
            $0.roles = roles
        }
    }

    /// Gives the key this description and records `API_KEY_DESCRIPTION_CHANGED`; nil if the org or key is unknown.
    @discardableResult
    mutating func setDescription(orgID: String, keyID: String, description: String, actor: SimulatedActor,
                                 address: String, at milliseconds: UInt64) -> SimulatedEvent? {
        changeKey(orgID: orgID, keyID: keyID, type: .apiKeyDescriptionChanged, actor: actor, address: address, at: milliseconds) {
            $0.desc = description
        }
    }

    /// Changes one key with `change` and records an event of `type` about it.
    private mutating func changeKey(orgID: String, keyID: String, type: SimulatedEventType, actor: SimulatedActor,
                                    address: String, at milliseconds: UInt64,
                                    _ change: (inout SimulatedKey) -> Void) -> SimulatedEvent? {
        guard let (orgIndex, keyIndex) = indices(orgID: orgID, keyID: keyID) else { return nil }
        change(&inventory.orgs[orgIndex].keys[keyIndex])
        generation += 1
        return events.append(orgID: orgID, type: type.rawValue, actor: actor, address: address,
                             targetPublicKey: inventory.orgs[orgIndex].keys[keyIndex].publicKey, at: milliseconds)
    }

    private func indices(orgID: String, keyID: String) -> (Int, Int)? {
        guard let orgIndex = inventory.orgIndex(orgID),
              let keyIndex = inventory.orgs[orgIndex].keys.firstIndex(where: { $0.id == keyID }) else { return nil }
        return (orgIndex, keyIndex)
    }
}

/// Key changes that leave a trace in the org's activity feed, and the feed itself.
extension AtlasSimulator {
    /// The current Unix time in milliseconds: the default clock of the events the simulator records.
    @Sendable public static func systemMilliseconds() -> UInt64 {
        UInt64(clamping: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Adds a key and records `API_KEY_CREATED` by `actor` from `address`, at `milliseconds` (nil: the simulator's
    /// event clock), in one step. Nil if the org is unknown.
    @discardableResult
    public func createKey(orgID: String, key: SimulatedKey, actor: SimulatedActor, address: String,
                          at milliseconds: UInt64? = nil) -> SimulatedEvent? {
        let time = milliseconds ?? eventClock()
        return withState { $0.createKey(orgID: orgID, key: key, actor: actor, address: address, at: time) }
    }

    /// Creates a key and deletes it in one step, recording both events: a key that lives less than a poll, which no
    /// listing can show (two calls could let a listing in between). The deletion's event; nil if the org is unknown.
    @discardableResult
    public func createAndDeleteKey(orgID: String, key: SimulatedKey, actor: SimulatedActor, address: String) -> SimulatedEvent? {
        let time = eventClock()
        return withState { state in
            guard state.createKey(orgID: orgID, key: key, actor: actor, address: address, at: time) != nil else { return nil }
            return state.deleteKey(orgID: orgID, keyID: key.id, actor: actor, address: address, at: time &+ 1)
        }
    }

    /// Deletes a key and records `API_KEY_DELETED`. Nil if the org or key is unknown.
    @discardableResult
    public func deleteKey(orgID: String, keyID: String, actor: SimulatedActor, address: String,
                          at milliseconds: UInt64? = nil) -> SimulatedEvent? {
        let time = milliseconds ?? eventClock()
        return withState { $0.deleteKey(orgID: orgID, keyID: keyID, actor: actor, address: address, at: time) }
    }

    /// Replaces a key's roles and records `API_KEY_ROLES_CHANGED`. Nil if the org or key is unknown.
    @discardableResult
    public func setRoles(orgID: String, keyID: String, roles: [SimulatedRole], actor: SimulatedActor, address: String,
                         at milliseconds: UInt64? = nil) -> SimulatedEvent? {
        let time = milliseconds ?? eventClock()
        return withState { $0.setRoles(orgID: orgID, keyID: keyID, roles: roles, actor: actor, address: address, at: time) }
    }

    /// Replaces a key's description and records `API_KEY_DESCRIPTION_CHANGED`. Nil if the org or key is unknown.
    @discardableResult
    public func setDescription(orgID: String, keyID: String, description: String, actor: SimulatedActor,
                               address: String, at milliseconds: UInt64? = nil) -> SimulatedEvent? {
        let time = milliseconds ?? eventClock()
        return withState {
            $0.setDescription(orgID: orgID, keyID: keyID, description: description, actor: actor, address: address, at: time)
        }
    }

    /// Records an event without changing the inventory (any type name, any org id), e.g. to fill a feed for a
    /// test; it gets the next id.
    @discardableResult
    public func recordEvent(orgID: String, type: String, actor: SimulatedActor, address: String,
                            targetPublicKey: String? = nil, groupID: String? = nil,
                            delegatePrincipal: SimulatedPrincipal? = nil, at milliseconds: UInt64? = nil) -> SimulatedEvent {
        let time = milliseconds ?? eventClock()
        return withState {
            $0.events.append(orgID: orgID, type: type, actor: actor, address: address, targetPublicKey: targetPublicKey,
                             groupID: groupID, delegatePrincipal: delegatePrincipal, at: time)
        }
    }

    /// The org's recorded events, oldest first (at most `eventLogCapacity`, the newest).
    public func events(orgID: String) -> [SimulatedEvent] {
        withState { $0.events.events(orgID: orgID) }
    }

    /// How many events per org the simulator keeps.
    public var eventLogCapacity: Int {
        withState { $0.events.capacity }
    }
}
