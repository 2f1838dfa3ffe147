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
        case underscoreID = "_id", id, desc, createdTime, createdUserId, createdIpAddr, createdBy
    }

    /// Recorded bodies (MongoDB's Go client) carry `_id` and `createdTime` in epoch milliseconds; the API reference
    /// names `id` and an ISO 8601 time. Both are read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try container.decodeIfPresent(String.self, forKey: .underscoreID) {
            self.id = id
        } else {
            id = try container.decode(String.self, forKey: .id)
        }
        desc = try container.decodeIfPresent(String.self, forKey: .desc) ?? ""
        if let milliseconds = try? container.decodeIfPresent(Int64.self, forKey: .createdTime) {
            createdAt = Double(milliseconds) / 1000
        } else {
            createdAt = ISOTime.seconds(try container.decodeIfPresent(String.self, forKey: .createdTime))
        }
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
