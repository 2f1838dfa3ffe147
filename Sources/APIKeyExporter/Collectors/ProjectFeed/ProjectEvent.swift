/// One event of a project's activity feed (`GET /groups/{groupId}/events`, MongoDB's spec:
/// `DefaultEventViewForNdsGroup`). Only what the exporter uses is decoded: the type, when, and who acted from where.
/// No field names the model API key or the service account secret an event is about (only `raw`, which the spec
/// says may change): they are counted by type and project, never matched to a credential.
struct ProjectEvent: Decodable, Sendable, Equatable {
    var id: String
    var eventTypeName: String
    /// Unix seconds, to the millisecond; nil when unreadable.
    var created: Double?
    /// The acting user, when a user acted.
    var username: String?
    /// The acting API key's public key, when a key acted.
    var publicKey: String?
    var remoteAddress: String?

    init(id: String, eventTypeName: String, created: Double?, username: String? = nil, publicKey: String? = nil,
         remoteAddress: String? = nil) {
        self.id = id
        self.eventTypeName = eventTypeName
        self.created = created
        self.username = username
        self.publicKey = publicKey
        self.remoteAddress = remoteAddress
    }

    enum CodingKeys: String, CodingKey {
        case id, eventTypeName, created, username, publicKey, remoteAddress
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        eventTypeName = try container.decodeIfPresent(String.self, forKey: .eventTypeName) ?? ""
        created = ISOTime.seconds(try container.decodeIfPresent(String.self, forKey: .created))
        username = try container.decodeIfPresent(String.self, forKey: .username)
        publicKey = try container.decodeIfPresent(String.self, forKey: .publicKey)
        remoteAddress = try container.decodeIfPresent(String.self, forKey: .remoteAddress)
    }

    /// Who acted: the user name, or the acting API key's public key.
    var actor: String { username ?? publicKey.map { "api key \($0)" } ?? "" }
}

/// The project event types read (MongoDB's spec, `EventTypeForNdsGroup`: "AI Models APIs Event Types" and the
/// project service-account secret types); each exported at 0 for every project from its first read.
enum ProjectEventType: String, CaseIterable {
    case aiKeyCreated = "AI_MODELS_APIS_API_KEY_CREATED"
    case aiKeyDeleted = "AI_MODELS_APIS_API_KEY_DELETED"
    case aiKeyUpdated = "AI_MODELS_APIS_API_KEY_UPDATED"
    case secretsExpiring = "GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRING"
    case secretsExpired = "GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRED"
    case secretsNoLongerExpiring = "GROUP_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRING"
    case secretsNoLongerExpired = "GROUP_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRED"

    static let aiKeyPrefix = "AI_MODELS_APIS_API_KEY_"
}
