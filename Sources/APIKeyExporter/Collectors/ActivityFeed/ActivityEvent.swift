/// One event of an organization's activity feed (`GET /orgs/{orgId}/events`). Only what the exporter uses is
/// decoded: the type, when, who acted and from where, which key the event is about, and in which project.
///
/// Service account events (`ServiceAccountOrgEvents` in MongoDB's v2 spec) have no field naming the account: only
/// `raw`, which the spec says may change and must not be relied on. So they can be counted and logged, never
/// matched to an account.
public struct ActivityEvent: Decodable, Sendable, Equatable {
    public var id: String
    public var eventTypeName: String
    /// Unix seconds, to the millisecond; nil when unreadable.
    public var created: Double?
    /// The acting user, when a user acted.
    public var username: String?
    /// The acting API key's public key, when a key acted.
    public var publicKey: String?
    public var remoteAddress: String?
    /// The public key of the API key the event is about (the v2 spec's `targetPublicKey`); no field holds its id.
    public var targetPublicKey: String?
    /// The project the event happened in (`groupId`), when it happened in one.
    public var groupID: String?
    /// Who acted through delegated access (`delegatePrincipal`, e.g. an OAuth application acting for a user), as
    /// `name (id)`; nil when nobody did.
    public var delegatePrincipal: String?
    /// The name of whom that principal acted for; the actor when the event names no user or key itself.
    var onBehalfOf: String?

    public init(id: String, eventTypeName: String, created: Double?, username: String? = nil, publicKey: String? = nil,
                remoteAddress: String? = nil, targetPublicKey: String? = nil, groupID: String? = nil) {
        self.id = id
        self.eventTypeName = eventTypeName
        self.created = created
        self.username = username
        self.publicKey = publicKey
        self.remoteAddress = remoteAddress
        self.targetPublicKey = targetPublicKey
        self.groupID = groupID
    }

    /// The spec's `Principal`: an id and a name, and whom it acted for (another principal; only its name is read).
    private struct Principal: Decodable {
        struct OnBehalfOf: Decodable {
            var name: String?
        }
        var id: String?
        var name: String?
        var onBehalfOf: OnBehalfOf?
    }

    enum CodingKeys: String, CodingKey {
        case id, eventTypeName, created, username, publicKey, remoteAddress, targetPublicKey, delegatePrincipal
        case groupID = "groupId"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        eventTypeName = try container.decodeIfPresent(String.self, forKey: .eventTypeName) ?? ""
        created = ISOTime.seconds(try container.decodeIfPresent(String.self, forKey: .created))
        username = try container.decodeIfPresent(String.self, forKey: .username)
        publicKey = try container.decodeIfPresent(String.self, forKey: .publicKey)
        remoteAddress = try container.decodeIfPresent(String.self, forKey: .remoteAddress)
        targetPublicKey = try container.decodeIfPresent(String.self, forKey: .targetPublicKey)
        groupID = try container.decodeIfPresent(String.self, forKey: .groupID)
        // A principal this exporter cannot read costs its name, never the event.
        let principal = try? container.decodeIfPresent(Principal.self, forKey: .delegatePrincipal)
        delegatePrincipal = principal.flatMap { principal in
            guard principal.id != nil || principal.name != nil else { return nil }
            return [principal.name, principal.id.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        }
        onBehalfOf = principal?.onBehalfOf?.name
    }

    /// Who acted: the user name, or the acting API key's public key.
    public var actor: String { username ?? publicKey.map { "api key \($0)" } ?? onBehalfOf ?? "" }
}
