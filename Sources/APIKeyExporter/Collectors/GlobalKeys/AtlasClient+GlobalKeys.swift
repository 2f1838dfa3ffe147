/// The installation-wide endpoints of Ops Manager the `global_keys` collector reads (Global Read Only).
extension AtlasClient {
    public func listGlobalAPIKeys() throws(APIError) -> [GlobalAPIKey] {
        try listAll(path: "/admin/apiKeys", id: \GlobalAPIKey.id)
    }

    /// The global access list, and whether it came from `/admin/whitelist`: Ops Manager before 5.0 calls it so,
    /// and that path is asked only when the current one answers 404.
    public func listGlobalAccessList() throws(APIError) -> (entries: [GlobalAccessListEntry], legacyPath: Bool) {
        do {
            return (try listAll(path: "/admin/accessList", id: \GlobalAccessListEntry.id), false)
        } catch .http(404, _, _) {
            return (try listAll(path: "/admin/whitelist", id: \GlobalAccessListEntry.id), true)
        }
    }
}
