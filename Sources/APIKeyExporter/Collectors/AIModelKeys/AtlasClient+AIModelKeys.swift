/// The model API key listing (Atlas v2 only), which answers only to its own media type version.
extension AtlasClient {
    /// Every model API key request must ask for this version (MongoDB's spec lists no other).
    public static let aiModelKeyMediaType = "application/vnd.atlas.2025-03-12+json"

    /// The org's model API keys, every project's, each once (the org listing holds them all: no per-project reads).
    /// Paged at the shared page size (500, the spec's maximum); `includeCount` is never sent (the spec has none).
    public func listAIModelKeys(orgID: String) throws(APIError) -> [AIModelKey] {
        var mismatches = 0
        return try listAll(path: "/orgs/\(Self.escapePathSegment(orgID))/aiModelApiKeys", id: \AIModelKey.apiKeyId,
                           countMismatches: &mismatches, accept: Self.aiModelKeyMediaType)
    }
}
