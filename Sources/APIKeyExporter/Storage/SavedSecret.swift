extension ServiceAccountSecret {
    /// A secret as `--storage.path` files keep it, for service accounts and remote MCP configurations alike: times
    /// in Unix seconds (the API sends ISO 8601), and nothing of its value, as in memory.
    struct Saved: Codable {
        var id: String
        var createdAt: Double?
        var expiresAt: Double?
        var lastUsedAt: Double?

        init(_ secret: ServiceAccountSecret) {
            id = secret.id
            createdAt = secret.createdAt
            expiresAt = secret.expiresAt
            lastUsedAt = secret.lastUsedAt
        }

        /// Saved secrets by id; of two with one id (a damaged file), the first.
        static func restored(_ saved: [Saved]) -> [String: ServiceAccountSecret] {
            Dictionary(saved.map { secret in
                (secret.id, ServiceAccountSecret(id: secret.id, createdAt: secret.createdAt, expiresAt: secret.expiresAt,
                                                 lastUsedAt: secret.lastUsedAt))
            }, uniquingKeysWith: { first, _ in first })
        }
    }
}
