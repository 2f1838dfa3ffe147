/// Who made a change, as an org event names them: a person signed in to the UI, or an API key.
public enum SimulatedActor: Sendable, Hashable {
    /// `userId` (24 hex digits) and `username` (an email address).
    case user(userID: String, username: String)
    /// `apiKeyId` (24 hex digits) and `publicKey`.
    case apiKey(apiKeyID: String, publicKey: String)

    /// Nobody: Atlas itself (e.g. the secrets-expiring events). The body has no actor fields, and no
    /// `remoteAddress` when the event's address is empty. A user with neither id nor name rather than a case of
    /// its own, so that switches over the two cases stay exhaustive.
    public static let system = SimulatedActor.user(userID: "", username: "")
}

/// The API key event types the simulator records (MongoDB's event type names).
public enum SimulatedEventType: String, Sendable, CaseIterable {
    case apiKeyCreated = "API_KEY_CREATED"
    case apiKeyDeleted = "API_KEY_DELETED"
    case apiKeyRolesChanged = "API_KEY_ROLES_CHANGED"
    case apiKeyDescriptionChanged = "API_KEY_DESCRIPTION_CHANGED"
    /// Recorded when a key's UI access-list inheritance changes (`SimulatedOrgSettings.keysInheritingUIAccessList`).
    case apiKeyUIAccessListInheritanceEnabled = "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED"
    case apiKeyUIAccessListInheritanceDisabled = "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_DISABLED"
}

/// The service account event types of an org's feed, as MongoDB's v2 OpenAPI spec enumerates them
/// (`ServiceAccountEventTypeViewForOrg`). The simulator records all but the two about UI access-list inheritance,
/// which it has no setting for (`AtlasSimulator.recordEvent` can add them).
public enum SimulatedServiceAccountEventType: String, Sendable, CaseIterable {
    case created = "SERVICE_ACCOUNT_CREATED"
    case deleted = "SERVICE_ACCOUNT_DELETED"
    case rolesChanged = "SERVICE_ACCOUNT_ROLES_CHANGED"
    case detailsChanged = "SERVICE_ACCOUNT_DETAILS_CHANGED"
    case addedToGroup = "SERVICE_ACCOUNT_ADDED_TO_GROUP"
    case removedFromGroup = "SERVICE_ACCOUNT_REMOVED_FROM_GROUP"
    case accessListEntryAdded = "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_ADDED"
    case accessListEntryDeleted = "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_DELETED"
    case secretAdded = "SERVICE_ACCOUNT_SECRET_ADDED"
    case secretDeleted = "SERVICE_ACCOUNT_SECRET_DELETED"
    case uiAccessListInheritanceEnabled = "SERVICE_ACCOUNT_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED"
    case uiAccessListInheritanceDisabled = "SERVICE_ACCOUNT_UI_IP_ACCESS_LIST_INHERITANCE_DISABLED"
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
    /// The public key of the API key the event is about, if it is about one. A service account event names no
    /// account (the spec's `ServiceAccountOrgEvents` has no such field).
    public var targetPublicKey: String?
    /// The project the event happened in (`groupId`), if any.
    public var groupID: String?
    /// The principal (an OAuth application) that acted through delegated access, if one did.
    public var delegatePrincipal: SimulatedPrincipal?

    public init(id: String, createdMilliseconds: UInt64, eventTypeName: String, orgID: String, actor: SimulatedActor,
                remoteAddress: String, targetPublicKey: String?, groupID: String? = nil,
                delegatePrincipal: SimulatedPrincipal? = nil) {
        self.id = id
        self.createdMilliseconds = createdMilliseconds
        self.eventTypeName = eventTypeName
        self.orgID = orgID
        self.actor = actor
        self.remoteAddress = remoteAddress
        self.targetPublicKey = targetPublicKey
        self.groupID = groupID
        self.delegatePrincipal = delegatePrincipal
    }
}

/// Each organization's recent events, oldest first, at most `capacity` per org (the oldest go first), as a feed
/// that is only kept for a while. Ids come from one counter for all orgs.
struct EventLog: Sendable {
    let capacity: Int
    private var byOrg: [String: [SimulatedEvent]] = [:]
    private var counter: UInt64 = 0
    /// How many events of each type were ever recorded per org, dropped ones included (tests compare counters).
    private(set) var recordedCounts: [String: [String: Int]] = [:]

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func events(orgID: String) -> [SimulatedEvent] {
        byOrg[orgID] ?? []
    }

    /// Records an event with the next id and returns it.
    @discardableResult
    mutating func append(orgID: String, type: String, actor: SimulatedActor, address: String, targetPublicKey: String?,
                         groupID: String? = nil, delegatePrincipal: SimulatedPrincipal? = nil,
                         at milliseconds: UInt64) -> SimulatedEvent {
        counter &+= 1
        let seconds = UInt64(UInt32(clamping: milliseconds / 1000))
        let id = InventoryGenerator.hex(seconds, digits: 8) + InventoryGenerator.hex(counter, digits: 16)
        let event = SimulatedEvent(id: id, createdMilliseconds: milliseconds, eventTypeName: type, orgID: orgID,
                                   actor: actor, remoteAddress: address, targetPublicKey: targetPublicKey, groupID: groupID,
                                   delegatePrincipal: delegatePrincipal)
        recordedCounts[orgID, default: [:]][type, default: 0] += 1
        var events = byOrg[orgID] ?? []
        events.append(event)
        if events.count > capacity { events.removeFirst(events.count - capacity) }
        byOrg[orgID] = events
        return event
    }
}
