/// Which Admin API a base URL speaks, from its path: what it serves and which media type it wants.
public enum APIFlavor: Sendable, Equatable {
    /// `/api/atlas/v2`: Atlas' current API, with service accounts.
    case atlasV2
    /// `/api/atlas/v1.0`: Atlas' deprecated API.
    case atlasV1
    /// `/api/public/v1.0`: Cloud Manager or Ops Manager (the path does not tell them apart).
    case publicV1
    /// Anything else (a proxy's path, a test server).
    case other

    public init(baseURL: String) {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        if trimmed.hasSuffix("/api/atlas/v2") {
            self = .atlasV2
        } else if trimmed.hasSuffix("/api/atlas/v1.0") {
            self = .atlasV1
        } else if trimmed.hasSuffix("/api/public/v1.0") {
            self = .publicV1
        } else {
            self = .other
        }
    }
}
