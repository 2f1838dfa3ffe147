#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A model API key (Voyage AI embedding and reranking, `ai.mongodb.com`) from `GET /orgs/{orgId}/aiModelApiKeys`
/// (MongoDB's spec: `AiModelApiKeyResponse`). Only what the exporter uses is decoded: `maskedSecret` and `secret`
/// are not, so neither can ever be kept, logged, saved or exported; nor are `cloud`, `geography` and `endpoint`.
public struct AIModelKey: Decodable, Sendable, Equatable {
    /// Not an ObjectId (e.g. `a86r5kwrfsk5r5ku5tgvhmpj`): it tells no creation time.
    public var apiKeyId: String
    public var name: String
    /// Its project, fixed at creation.
    public var groupId: String
    /// Unix seconds; nil when absent or unreadable.
    public var createdAt: Double?
    /// The creating user's name, else their id.
    public var createdBy: String
    /// Nil while the key was never used (the API sends null).
    public var lastUsedAt: Double?
    /// E.g. `ACTIVE`; an open string, passed through.
    public var status: String

    public init(apiKeyId: String, name: String, groupId: String, createdAt: Double?, createdBy: String,
                lastUsedAt: Double?, status: String) {
        self.apiKeyId = apiKeyId
        self.name = name
        self.groupId = groupId
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.lastUsedAt = lastUsedAt
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case apiKeyId, name, groupId, createdAt, createdBy, lastUsedAt, status
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiKeyId = try container.decode(String.self, forKey: .apiKeyId)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        groupId = try container.decodeIfPresent(String.self, forKey: .groupId) ?? ""
        createdAt = Self.seconds(try container.decodeIfPresent(String.self, forKey: .createdAt))
        createdBy = try container.decodeIfPresent(String.self, forKey: .createdBy) ?? ""
        lastUsedAt = Self.seconds(try container.decodeIfPresent(String.self, forKey: .lastUsedAt))
        status = try container.decodeIfPresent(String.self, forKey: .status) ?? ""
    }

    /// The spec's times carry microseconds and an offset (`2026-01-15T16:47:49.855000+00:00`), which the shared
    /// parser may refuse: the fraction is made milliseconds (the precision kept anyway) and the offset read by a
    /// parser that takes one. Nil for nil or unreadable text.
    static func seconds(_ text: String?) -> Double? {
        guard let text else { return nil }
        if let seconds = ISOTime.seconds(text) { return seconds }
        var normalized = text
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            let milliseconds = String(digits.prefix(3)) + String(repeating: "0", count: 3 - min(3, digits.count))
            normalized = String(text[...dot]) + milliseconds + text[digits.endIndex...]
        }
        if let seconds = ISOTime.seconds(normalized) { return seconds }
        let parser = Date.ISO8601FormatStyle(includingFractionalSeconds: normalized.contains("."))
        guard let date = try? parser.parse(normalized) else { return nil }
        return (date.timeIntervalSince1970 * 1000).rounded() / 1000
    }
}
