/// An agent API key of a Cloud Manager or Ops Manager project (`GET /groups/{groupId}/agentapikeys`), what the
/// automation, monitoring and backup agents authenticate with. The masked `key` is deliberately not decoded: it is
/// never stored, exported or logged.
public struct AgentAPIKey: Decodable, Sendable, Equatable {
    /// `_id`; in recorded bodies not an ObjectId, so a key is identified by its project and this id.
    public var id: String
    public var desc: String
    /// Unix seconds, with the milliseconds `createdTime` carries; nil when absent.
    public var createdAt: Double?
    public var createdUserID: String
    public var createdIPAddress: String
    /// `USER`, `PUBLIC_API` or `PROVISIONING`.
    public var createdBy: String

    public init(id: String, desc: String, createdAt: Double?, createdUserID: String = "", createdIPAddress: String = "",
                createdBy: String = "") {
        self.id = id
        self.desc = desc
        self.createdAt = createdAt
        self.createdUserID = createdUserID
        self.createdIPAddress = createdIPAddress
        self.createdBy = createdBy
    }

    private enum CodingKeys: String, CodingKey {
        case id = "_id", desc, createdTime, createdUserId, createdIpAddr, createdBy
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        desc = try container.decodeIfPresent(String.self, forKey: .desc) ?? ""
        createdAt = try container.decodeIfPresent(Int64.self, forKey: .createdTime).map { Double($0) / 1000 }
        createdUserID = try container.decodeIfPresent(String.self, forKey: .createdUserId) ?? ""
        createdIPAddress = try container.decodeIfPresent(String.self, forKey: .createdIpAddr) ?? ""
        createdBy = try container.decodeIfPresent(String.self, forKey: .createdBy) ?? ""
    }
}

/// The endpoint the `agent_keys` collector reads.
extension AtlasClient {
    /// A project's agent API keys: a bare JSON array, not a paginated listing.
    public func listAgentAPIKeys(projectID: String) throws(APIError) -> [AgentAPIKey] {
        try get(path: "/groups/\(Self.escapePathSegment(projectID))/agentapikeys")
    }
}
