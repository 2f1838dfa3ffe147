/// The service-account endpoints (Atlas v2 only), which answer only to their own media type version.
extension AtlasClient {
    /// Every service-account request must ask for this version; the key endpoints keep 2023-01-01.
    public static let serviceAccountMediaType = "application/vnd.atlas.2024-08-05+json"

    /// The org's service accounts with their org roles and secrets (system-managed ones left out, as the API
    /// does by default).
    public func listServiceAccounts(orgID: String) throws(APIError) -> [ServiceAccount] {
        var mismatches = 0
        return try listAll(path: "/orgs/\(Self.escapePathSegment(orgID))/serviceAccounts", id: \ServiceAccount.clientId,
                           countMismatches: &mismatches, accept: Self.serviceAccountMediaType)
    }

    /// The service accounts with access to a project, with their roles in it.
    public func listProjectServiceAccounts(projectID: String) throws(APIError) -> [ServiceAccount] {
        var mismatches = 0
        return try listAll(path: "/groups/\(Self.escapePathSegment(projectID))/serviceAccounts", id: \ServiceAccount.clientId,
                           countMismatches: &mismatches, accept: Self.serviceAccountMediaType)
    }

    /// A service account's IP access list.
    public func listServiceAccountAccessList(orgID: String, clientID: String) throws(APIError) -> [AccessListEntry] {
        var mismatches = 0
        return try listAll(
            path: "/orgs/\(Self.escapePathSegment(orgID))/serviceAccounts/\(Self.escapePathSegment(clientID))/accessList",
            id: \AccessListEntry.identity, countMismatches: &mismatches, accept: Self.serviceAccountMediaType)
    }
}
