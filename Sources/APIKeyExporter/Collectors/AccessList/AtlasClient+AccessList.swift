/// The endpoint the `access_list` collector reads.
extension AtlasClient {
    /// A key's IP access list; empty means the key is usable from any address.
    public func listAccessList(orgID: String, keyID: String) throws(APIError) -> [AccessListEntry] {
        try listAll(
            path: "/orgs/\(Self.escapePathSegment(orgID))/apiKeys/\(Self.escapePathSegment(keyID))/accessList",
            id: \AccessListEntry.identity)
    }
}
