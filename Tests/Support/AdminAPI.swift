@testable import APIKeyExporter

/// The Admin API endpoints the exporter reads, as one contract: `AtlasClient` talks to a real API over HTTP,
/// `InMemoryAdminAPI` answers from memory, and `AdminAPIContractTests` holds the two to the same answers.
///
/// Calls block (an HTTP client waits for the network): make them from a Dispatch queue (see `BlockingIO`), one at
/// a time per value. Listings are complete and consistent or they throw (see `Pagination`).
public protocol AdminAPI {
    /// All organizations the credential sees, without the deleted ones.
    func listOrganizations() throws(APIError) -> [Organization]
    /// One organization, for its name when org ids are configured.
    func organization(id: String) throws(APIError) -> Organization
    /// Every API key of an organization; `countMismatches` counts listings accepted although their length
    /// differed from the API's `totalCount` estimate.
    func listAPIKeys(orgID: String, countMismatches: inout Int) throws(APIError) -> [APIKey]
    /// One key, to confirm what a listing says about it.
    func apiKey(orgID: String, keyID: String) throws(APIError) -> APIKey
    /// Every project of an organization, for their names.
    func listProjects(orgID: String) throws(APIError) -> [Project]
    /// A key's IP access list; empty means the key is usable from any address.
    func listAccessList(orgID: String, keyID: String) throws(APIError) -> [AccessListEntry]
    /// The org's service accounts with their org roles and secrets (Atlas v2; a 404 elsewhere).
    func listServiceAccounts(orgID: String) throws(APIError) -> [ServiceAccount]
    /// The service accounts with access to a project, with their roles in it.
    func listProjectServiceAccounts(projectID: String) throws(APIError) -> [ServiceAccount]
    /// A service account's IP access list.
    func listServiceAccountAccessList(orgID: String, clientID: String) throws(APIError) -> [AccessListEntry]
}

extension AdminAPI {
    /// Every API key of an organization, for callers that do not count `totalCount` mismatches.
    public func listAPIKeys(orgID: String) throws(APIError) -> [APIKey] {
        var mismatches = 0
        return try listAPIKeys(orgID: orgID, countMismatches: &mismatches)
    }
}

extension AtlasClient: AdminAPI {
    /// The org's keys as values in the order listed, through the client's generic listing (JSONDecoder per page):
    /// the paging rules every collector's listing follows, with the keys as tests compare them.
    public func listAPIKeys(orgID: String, countMismatches: inout Int) throws(APIError) -> [APIKey] {
        try listAll(path: "/orgs/\(Self.escapePathSegment(orgID))/apiKeys", id: \APIKey.id, countMismatches: &countMismatches)
    }
}
