/// A model API key (Voyage AI) of an org's project, as `GET /orgs/{orgId}/aiModelApiKeys` lists it (Atlas v2,
/// version 2025-03-12 only). The secret itself is never kept; listings show a masked form.
public struct SimulatedAIModelKey: Sendable, Equatable {
    /// 24 lowercase letters and digits (not an ObjectId).
    public var id: String
    public var name: String
    public var projectID: String
    /// Unix seconds.
    public var created: UInt32
    public var createdBy: String
    /// Nil while never used (the API sends `null`).
    public var lastUsed: UInt32?
    /// `ACTIVE`, `DISABLED`, ...: an open string.
    public var status: String

    public init(id: String, name: String, projectID: String, created: UInt32, createdBy: String, lastUsed: UInt32? = nil,
                status: String = "ACTIVE") {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.created = created
        self.createdBy = createdBy
        self.lastUsed = lastUsed
        self.status = status
    }

    /// What listings show instead of the secret (`al-****` and four characters of the id).
    public var maskedSecret: String {
        "al-****" + String(id.suffix(4))
    }
}

extension InventoryGenerator {
    static let aiModelKeySeedSalt: UInt64 = 0xA1_40DE_1C0D_E5EC
    static let aiModelKeyStatuses = ["ACTIVE", "ACTIVE", "ACTIVE", "DISABLED", "ACTIVE", "REVOKED"]

    /// `count` model keys over `projects`: every third never used, statuses spread over `aiModelKeyStatuses`, some
    /// used long ago (unused for more than 90 days). Deterministic for a seed.
    public static func makeAIModelKeys(count: Int, projects: [SimulatedProject], now: UInt32, seed: UInt64)
        -> [SimulatedAIModelKey] {
        guard !projects.isEmpty else { return [] }
        var random = SeededGenerator(seed: seed ^ aiModelKeySeedSalt)
        return (0..<max(0, count)).map { index in
            makeAIModelKey(index: index, projectID: projects[index % projects.count].id, now: now, using: &random)
        }
    }

    /// One key of a project, created up to 400 days before `now`.
    public static func makeAIModelKey(index: Int, projectID: String, now: UInt32,
                                      using random: inout SeededGenerator) -> SimulatedAIModelKey {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let id = String((0..<24).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
        let created = minus(now, UInt32.random(in: day...400 * day, using: &random))
        let lastUsed: UInt32? = index % 3 == 1 ? nil : created + UInt32.random(in: 0...minus(now, created), using: &random)
        return SimulatedAIModelKey(id: id, name: "embeddings-\(["search", "rag", "rerank", "batch"][index % 4])-\(index + 1)",
                                   projectID: projectID, created: created,
                                   createdBy: ["alice@example.com", "Bob Builder", "5f1e0a000000000000000a01"][index % 3],
                                   lastUsed: lastUsed,
                                   status: aiModelKeyStatuses[Int.random(in: 0..<aiModelKeyStatuses.count, using: &random)])
    }
}
