/// A global API key of Ops Manager (`GET /admin/apiKeys`). The masked `privateKey` is deliberately not decoded: it
/// is never stored, exported or logged.
public struct GlobalAPIKey: Decodable, Sendable, Equatable {
    public var id: String
    public var publicKey: String
    public var desc: String
    /// Global role names (`GLOBAL_OWNER`, ...); an open set.
    public var roles: [String]

    public init(id: String, publicKey: String, desc: String, roles: [String]) {
        self.id = id
        self.publicKey = publicKey
        self.desc = desc
        self.roles = roles
    }

    private enum CodingKeys: String, CodingKey {
        case id, publicKey, desc, roles
    }

    private struct Role: Decodable {
        var roleName: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        publicKey = try container.decodeIfPresent(String.self, forKey: .publicKey) ?? ""
        desc = try container.decodeIfPresent(String.self, forKey: .desc) ?? ""
        roles = try container.decodeIfPresent([Role].self, forKey: .roles)?.map(\.roleName) ?? []
    }
}

/// One entry of the global keys' access list (`GET /admin/accessList`).
public struct GlobalAccessListEntry: Decodable, Sendable, Equatable {
    public var id: String
    public var cidrBlock: String
    public var description: String
    /// How the entry was made, as Ops Manager records it.
    public var type: String

    public init(id: String, cidrBlock: String, description: String, type: String) {
        self.id = id
        self.cidrBlock = cidrBlock
        self.description = description
        self.type = type
    }

    private enum CodingKeys: String, CodingKey {
        case id, cidrBlock, description, type
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        cidrBlock = try container.decodeIfPresent(String.self, forKey: .cidrBlock) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? ""
    }
}
