/// A project role held in one project: the key of `mongodb_api_keys_by_project_role`.
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

/// The counts one organization's key listing yields. Each key counts once per role and once per project,
/// however often the API repeats a role entry.
public struct OrgAggregate: Sendable, Equatable {
    public var keyCount = 0
    public var keysByOrgRole: [String: Int] = [:]
    public var keysByProjectRole: [ProjectRole: Int] = [:]
    /// Distinct keys holding any role in the project.
    public var keysByProject: [String: Int] = [:]

    public init() {}

    public init(keys: [APIKey]) {
        for key in keys {
            add(key)
        }
    }

    public mutating func add(_ key: APIKey) {
        keyCount += 1
        var orgRoles = Set<String>()
        var projectRoles = Set<ProjectRole>()
        var projects = Set<String>()
        for assignment in key.roles {
            switch assignment.scope {
            case .organization:
                orgRoles.insert(assignment.roleName)
            case .project(let projectID):
                projectRoles.insert(ProjectRole(projectID: projectID, role: assignment.roleName))
                projects.insert(projectID)
            }
        }
        for role in orgRoles { keysByOrgRole[role, default: 0] += 1 }
        for projectRole in projectRoles { keysByProjectRole[projectRole, default: 0] += 1 }
        for project in projects { keysByProject[project, default: 0] += 1 }
    }
}

/// One complete, successful listing of an organization's keys. Immutable once built: a poll that fails
/// part-way never produces one, so what is published is always a whole inventory.
public struct OrgSnapshot: Sendable {
    public let orgID: String
    /// Sorted by key id, so rendering is deterministic.
    public let keys: [APIKey]
    public let aggregate: OrgAggregate
    /// Unix time (seconds) at which the listing completed.
    public let completedAt: Double

    public init(orgID: String, keys: [APIKey], completedAt: Double) {
        self.orgID = orgID
        self.keys = keys.sorted { $0.id < $1.id }
        self.aggregate = OrgAggregate(keys: keys)
        self.completedAt = completedAt
    }
}
