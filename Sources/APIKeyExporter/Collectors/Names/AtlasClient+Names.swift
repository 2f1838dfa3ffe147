/// The endpoint the `names` collector reads besides the organization itself.
extension AtlasClient {
    /// Every project of an organization, for their names.
    public func listProjects(orgID: String) throws(APIError) -> [Project] {
        try listAll(path: "/orgs/\(Self.escapePathSegment(orgID))/groups", id: \Project.id)
    }
}
