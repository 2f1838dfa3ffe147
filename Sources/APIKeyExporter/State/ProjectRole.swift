/// A project role held in one project: the key of the by-project-role counts of API keys and service accounts.
public struct ProjectRole: Hashable, Sendable, Comparable {
    public var projectID: String
    public var role: String

    public init(projectID: String, role: String) {
        self.projectID = projectID
        self.role = role
    }

    public static func < (lhs: ProjectRole, rhs: ProjectRole) -> Bool {
        (lhs.projectID, lhs.role) < (rhs.projectID, rhs.role)
    }
}
