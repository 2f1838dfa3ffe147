#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird

/// `GET /orgs/{orgId}/aiModelApiKeys`: Atlas v2 only (404 with the API's error body elsewhere), and only with the
/// `2025-03-12` media type (see `AtlasSimulator.requiredMediaType`), which the answer carries.
extension AtlasSimulator {
    static let aiModelKeyMediaType = "application/vnd.atlas.2025-03-12+json"

    func addAIModelKeyRoutes(_ group: RouterGroup<BasicRequestContext>, prefix: String) {
        group.get("orgs/:orgID/aiModelApiKeys") { request, context in
            self.listAIModelKeys(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "")
        }
    }

    private func listAIModelKeys(_ request: Request, prefix: String, orgID: String) -> Response {
        record { $0.aiModelKeyRequests += 1 }
        guard prefix == Self.serviceAccountPrefix else {
            return error(404, "RESOURCE_NOT_FOUND", "Cannot find resource: model API keys are an Atlas feature.")
        }
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        var response = paginate(request, prefix: prefix, path: "/orgs/\(orgID)/aiModelApiKeys", items: org.aiModelKeys) { key in
            APIBody.AIModelKey(apiKeyId: key.id, cloud: "ANY", createdAt: APIBody.aiModelKeyTime(key.created),
                               createdBy: key.createdBy, endpoint: "ai.mongodb.com", geography: "ANY",
                               groupId: key.projectID, lastUsedAt: key.lastUsed.map { APIBody.aiModelKeyTime($0) },
                               maskedSecret: key.maskedSecret, name: key.name, status: key.status)
        }
        if response.status == .ok { response.headers[.contentType] = "\(Self.aiModelKeyMediaType);charset=utf-8" }
        return response
    }
}

extension APIBody {
    /// `AiModelApiKeyResponse`; `lastUsedAt` is written as `null` while never used, as the spec allows.
    struct AIModelKey: Encodable {
        var apiKeyId: String
        var cloud: String
        var createdAt: String
        var createdBy: String
        var endpoint: String
        var geography: String
        var groupId: String
        var lastUsedAt: String?
        var maskedSecret: String
        var name: String
        var status: String

        enum CodingKeys: String, CodingKey {
            case apiKeyId, cloud, createdAt, createdBy, endpoint, geography, groupId, lastUsedAt, maskedSecret, name, status
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(apiKeyId, forKey: .apiKeyId)
            try container.encode(cloud, forKey: .cloud)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(createdBy, forKey: .createdBy)
            try container.encode(endpoint, forKey: .endpoint)
            try container.encode(geography, forKey: .geography)
            try container.encode(groupId, forKey: .groupId)
            try container.encode(lastUsedAt, forKey: .lastUsedAt)
            try container.encode(maskedSecret, forKey: .maskedSecret)
            try container.encode(name, forKey: .name)
            try container.encode(status, forKey: .status)
        }
    }

    /// Unix seconds in the spec's example form: microseconds and an offset (`2026-01-15T16:47:49.000000+00:00`).
    static func aiModelKeyTime(_ seconds: UInt32) -> String {
        let text = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
        return String(text.dropLast()) + ".000000+00:00"
    }
}
