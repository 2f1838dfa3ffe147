/// Where a role applies: the organization, or one project (group).
public enum RoleScope: Hashable, Sendable, Comparable {
    case organization
    case project(String)
}

/// One entry of a key's `roles` array. `roleName` is an open set: unknown names are kept as they are.
public struct RoleAssignment: Decodable, Sendable, Hashable, Comparable {
    public var scope: RoleScope
    public var roleName: String

    public init(scope: RoleScope, roleName: String) {
        self.scope = scope
        self.roleName = roleName
    }

    private enum CodingKeys: String, CodingKey {
        case orgId, groupId, roleName
    }

    /// An entry with a `groupId` is a project role; any other entry (normally with `orgId`) is an org role.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        roleName = try container.decode(String.self, forKey: .roleName)
        if let groupID = try container.decodeIfPresent(String.self, forKey: .groupId) {
            scope = .project(groupID)
        } else {
            scope = .organization
        }
    }

    public static func < (lhs: RoleAssignment, rhs: RoleAssignment) -> Bool {
        (lhs.scope, lhs.roleName) < (rhs.scope, rhs.roleName)
    }
}

/// A programmatic API key as listed by `GET /orgs/{ORG-ID}/apiKeys`.
///
/// The redacted `privateKey` field is deliberately not decoded: it is never stored, exported or logged.
public struct APIKey: Decodable, Sendable, Equatable {
    public var id: String
    public var publicKey: String
    public var desc: String
    public var roles: [RoleAssignment]

    public init(id: String, publicKey: String, desc: String, roles: [RoleAssignment]) {
        self.id = id
        self.publicKey = publicKey
        self.desc = desc
        self.roles = roles
    }

    private enum CodingKeys: String, CodingKey {
        case id, publicKey, desc, roles
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        publicKey = try container.decodeIfPresent(String.self, forKey: .publicKey) ?? ""
        desc = try container.decodeIfPresent(String.self, forKey: .desc) ?? ""
        roles = try container.decodeIfPresent([RoleAssignment].self, forKey: .roles) ?? []
    }
}
