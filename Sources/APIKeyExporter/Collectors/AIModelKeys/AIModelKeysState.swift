/// One model API key as the last good listing showed it (no secret of any form: see `AIModelKey`).
struct AIModelKeyRecord: Sendable, Equatable {
    var id: String
    var name: String
    var projectID: String
    var createdAt: Double?
    var createdBy: String
    var lastUsedAt: Double?
    var status: String
    /// Owner label values (see `OwnerLabels`) from its name; empty when none is configured.
    var owners: [(String, String)] = []

    init(_ key: AIModelKey) {
        self.init(id: key.apiKeyId, name: key.name, projectID: key.groupId, createdAt: key.createdAt,
                  createdBy: key.createdBy, lastUsedAt: key.lastUsedAt, status: key.status)
    }

    init(id: String, name: String, projectID: String, createdAt: Double?, createdBy: String, lastUsedAt: Double?,
         status: String) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.lastUsedAt = lastUsedAt
        self.status = status
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.id == rhs.id && lhs.name == rhs.name && lhs.projectID == rhs.projectID && lhs.createdAt == rhs.createdAt
            && lhs.createdBy == rhs.createdBy && lhs.lastUsedAt == rhs.lastUsedAt && lhs.status == rhs.status
            && lhs.owners.elementsEqual(rhs.owners, by: ==)
    }
}

/// What a listing can change, as `mongodb_ai_model_api_key_changes_total{change}` counts it.
enum AIModelKeyChange: String, ChangeKindSet {
    case added, removed, renamed, statusChanged = "status_changed"

    /// The project feed's event type for it (a status change is an update too); the events name the project, not
    /// the key.
    var eventType: String {
        switch self {
        case .added: "AI_MODELS_APIS_API_KEY_CREATED"
        case .removed: "AI_MODELS_APIS_API_KEY_DELETED"
        case .renamed, .statusChanged: "AI_MODELS_APIS_API_KEY_UPDATED"
        }
    }
}

/// An org's model API keys: the last good listing, whether the last one succeeded, the change counts, and the
/// changes of the last listing still to be logged (once every collector ran, so the feed can name who acted).
struct AIModelKeysState: Sendable {
    /// By key id.
    var keys: [String: AIModelKeyRecord] = [:]
    var hasCollected = false
    var lastCollectionSucceeded = false
    var changes = ChangeCounter<AIModelKeyChange>()
    var pendingLog: [(AIModelKeyChange, AIModelKeyRecord)] = []

    /// Records a complete listing: the first sets the baseline; later ones count, per key, `added` or `removed`, or
    /// `renamed` and `status_changed` (both when both changed). Returns the changes, oldest kinds first.
    mutating func record(_ keys: [String: AIModelKeyRecord], at time: Double) -> [(AIModelKeyChange, AIModelKeyRecord)] {
        var found: [(AIModelKeyChange, AIModelKeyRecord)] = []
        if changes.hasBaseline {
            for (id, key) in keys.sortedByKey {
                guard let before = self.keys[id] else {
                    found.append((.added, key))
                    continue
                }
                if before.name != key.name { found.append((.renamed, key)) }
                if before.status != key.status { found.append((.statusChanged, key)) }
            }
            for (id, key) in self.keys.sortedByKey where keys[id] == nil { found.append((.removed, key)) }
        }
        changes.record(found.map(\.0), at: time)
        self.keys = keys
        hasCollected = true
        lastCollectionSucceeded = true
        return found
    }
}

extension OrgStatus {
    /// Nil unless the model API key collector has run for this org.
    var aiModelKeys: AIModelKeysState? {
        get { collected[AIModelKeysState.self] }
        set { collected[AIModelKeysState.self] = newValue }
    }
}
