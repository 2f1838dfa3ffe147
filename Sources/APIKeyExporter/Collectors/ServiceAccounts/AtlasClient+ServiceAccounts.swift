/// The service-account endpoints (Atlas v2 only), which answer only to their own media type version.
extension AtlasClient {
    /// Every service-account request must ask for this version; the key endpoints keep 2023-01-01.
    public static let serviceAccountMediaType = "application/vnd.atlas.2024-08-05+json"

    /// The org's service accounts with their org roles and secrets; those Atlas manages itself (MCP ingress and
    /// egress accounts) only with `includeSystemManaged` (the API's default leaves them out).
    public func listServiceAccounts(orgID: String, includeSystemManaged: Bool) throws(APIError) -> [ServiceAccount] {
        var mismatches = 0
        return try listAll(path: "/orgs/\(Self.escapePathSegment(orgID))/serviceAccounts", id: \ServiceAccount.clientId,
                           countMismatches: &mismatches, accept: Self.serviceAccountMediaType,
                           filters: Self.systemManagedFilter(includeSystemManaged))
    }

    /// The service accounts with access to a project, with their roles in it (system-managed ones as above).
    public func listProjectServiceAccounts(projectID: String, includeSystemManaged: Bool) throws(APIError) -> [ServiceAccount] {
        var mismatches = 0
        return try listAll(path: "/groups/\(Self.escapePathSegment(projectID))/serviceAccounts", id: \ServiceAccount.clientId,
                           countMismatches: &mismatches, accept: Self.serviceAccountMediaType,
                           filters: Self.systemManagedFilter(includeSystemManaged))
    }

    /// A service account's IP access list in one project (the project's own, distinct from the org's).
    public func listProjectServiceAccountAccessList(projectID: String, clientID: String) throws(APIError) -> [AccessListEntry] {
        var mismatches = 0
        return try listAll(
            path: "/groups/\(Self.escapePathSegment(projectID))/serviceAccounts/\(Self.escapePathSegment(clientID))/accessList",
            id: \AccessListEntry.identity, countMismatches: &mismatches, accept: Self.serviceAccountMediaType)
    }

    /// The query asking for system-managed accounts too; none asks for the API's default.
    private static func systemManagedFilter(_ include: Bool) -> [(String, String)] {
        include ? [("includeSystemManaged", "true")] : []
    }

    /// The org's own service accounts, as the API lists them by default.
    public func listServiceAccounts(orgID: String) throws(APIError) -> [ServiceAccount] {
        try listServiceAccounts(orgID: orgID, includeSystemManaged: false)
    }

    /// A project's service accounts, as the API lists them by default.
    public func listProjectServiceAccounts(projectID: String) throws(APIError) -> [ServiceAccount] {
        try listProjectServiceAccounts(projectID: projectID, includeSystemManaged: false)
    }

    /// A service account's IP access list.
    public func listServiceAccountAccessList(orgID: String, clientID: String) throws(APIError) -> [AccessListEntry] {
        var mismatches = 0
        return try listAll(
            path: "/orgs/\(Self.escapePathSegment(orgID))/serviceAccounts/\(Self.escapePathSegment(clientID))/accessList",
            id: \AccessListEntry.identity, countMismatches: &mismatches, accept: Self.serviceAccountMediaType)
    }
}
