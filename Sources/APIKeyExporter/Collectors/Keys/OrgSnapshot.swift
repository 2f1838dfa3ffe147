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
        self.init(table: KeyTable(keys))
    }

    /// Counts by role number, then turned into the maps: no string is hashed per key.
    public init(table: KeyTable) {
        keyCount = table.count
        let roles = table.roles
        // Roles are sorted by scope first, so one project's roles are neighbours: numbering projects in that order
        // lets a key's sorted role numbers count each of its projects once.
        var projectNumber = [Int](repeating: -1, count: roles.count)
        var projects: [String] = []
        for (number, role) in roles.enumerated() {
            guard case .project(let projectID) = role.scope else { continue }
            if projects.last != projectID { projects.append(projectID) }
            projectNumber[number] = projects.count - 1
        }
        var byRole = [Int](repeating: 0, count: roles.count)
        var byProject = [Int](repeating: 0, count: projects.count)
        var scratch: [UInt32] = []
        table.forEach { key in
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: key.roleNumbers)
            scratch.sort()
            var previous: UInt32?
            var previousProject = -1
            for number in scratch where number != previous {
                previous = number
                byRole[Int(number)] += 1
                let project = projectNumber[Int(number)]
                if project >= 0, project != previousProject {
                    byProject[project] += 1
                    previousProject = project
                }
            }
        }
        for (number, role) in roles.enumerated() where byRole[number] > 0 {
            switch role.scope {
            case .organization:
                keysByOrgRole[role.roleName, default: 0] += byRole[number]
            case .project(let projectID):
                keysByProjectRole[ProjectRole(projectID: projectID, role: role.roleName), default: 0] += byRole[number]
            }
        }
        for (number, project) in projects.enumerated() where byProject[number] > 0 {
            keysByProject[project] = byProject[number]
        }
    }
}

/// One complete, successful listing of an organization's keys. Immutable once built: a poll that fails
/// part-way never produces one, so what is published is always a whole inventory.
public struct OrgSnapshot: Sendable {
    public let orgID: String
    /// Sorted by key id, so rendering is deterministic; held compactly (see `KeyTable`).
    public let keys: KeyTable
    public let aggregate: OrgAggregate
    /// Unix time (seconds) at which the listing completed.
    public let completedAt: Double

    public init(orgID: String, keys: [APIKey], completedAt: Double) {
        self.init(orgID: orgID, keys: KeyTable(keys), completedAt: completedAt)
    }

    public init(orgID: String, keys: KeyTable, completedAt: Double) {
        self.orgID = orgID
        self.keys = keys
        self.aggregate = OrgAggregate(table: keys)
        self.completedAt = completedAt
    }
}
