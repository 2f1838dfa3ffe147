/// Who made a change, as an org event names them: a person signed in to the UI, or an API key.
public enum SimulatedActor: Sendable, Hashable {
    /// `userId` (24 hex digits) and `username` (an email address).
    case user(userID: String, username: String)
    /// `apiKeyId` (24 hex digits) and `publicKey`.
    case apiKey(apiKeyID: String, publicKey: String)
}

/// The API key event types the simulator records (MongoDB's event type names).
public enum SimulatedEventType: String, Sendable, CaseIterable {
    case apiKeyCreated = "API_KEY_CREATED"
    case apiKeyDeleted = "API_KEY_DELETED"
    case apiKeyRolesChanged = "API_KEY_ROLES_CHANGED"
    case apiKeyDescriptionChanged = "API_KEY_DESCRIPTION_CHANGED"
}

/// One entry of an organization's activity feed (`GET /orgs/{orgId}/events`).
public struct SimulatedEvent: Sendable, Equatable {
    /// 24 hex digits, an ObjectId: the creation second, then a counter over all events, so events recorded in time
    /// order have increasing ids.
    public var id: String
    /// Unix time in milliseconds (the API writes `created` to the millisecond).
    public var createdMilliseconds: UInt64
    /// E.g. `API_KEY_CREATED`; any text, so tests can record types the simulator itself never makes.
    public var eventTypeName: String
    public var orgID: String
    public var actor: SimulatedActor
    public var remoteAddress: String
    /// The public key of the API key the event is about, if it is about one.
    public var targetPublicKey: String?

    public init(id: String, createdMilliseconds: UInt64, eventTypeName: String, orgID: String, actor: SimulatedActor,
                remoteAddress: String, targetPublicKey: String?) {
        self.id = id
        self.createdMilliseconds = createdMilliseconds
        self.eventTypeName = eventTypeName
        self.orgID = orgID
        self.actor = actor
        self.remoteAddress = remoteAddress
        self.targetPublicKey = targetPublicKey
    }
}

/// Each organization's recent events, oldest first, at most `capacity` per org (the oldest go first), as a feed
/// that is only kept for a while. Ids come from one counter for all orgs.
struct EventLog: Sendable {
    let capacity: Int
    private var byOrg: [String: [SimulatedEvent]] = [:]
    private var counter: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func events(orgID: String) -> [SimulatedEvent] {
        byOrg[orgID] ?? []
    }

    /// Records an event with the next id and returns it.
    @discardableResult
    mutating func append(orgID: String, type: String, actor: SimulatedActor, address: String, targetPublicKey: String?,
                         at milliseconds: UInt64) -> SimulatedEvent {
        counter &+= 1
        let seconds = UInt64(UInt32(clamping: milliseconds / 1000))
        let id = InventoryGenerator.hex(seconds, digits: 8) + InventoryGenerator.hex(counter, digits: 16)
        let event = SimulatedEvent(id: id, createdMilliseconds: milliseconds, eventTypeName: type, orgID: orgID,
                                   actor: actor, remoteAddress: address, targetPublicKey: targetPublicKey)
        var events = byOrg[orgID] ?? []
        events.append(event)
        if events.count > capacity { events.removeFirst(events.count - capacity) }
        byOrg[orgID] = events
        return event
    }
}
