/// Which MongoDB service the simulator answers as. The org-scoped endpoints are the same for all; the Ops Manager
/// endpoints (see `OpsManagerEndpoints.swift`) depend on it.
public enum SimulatedFlavor: String, Sendable, Equatable, CaseIterable {
    /// Atlas: no `/admin/...` and no `.../agentapikeys` under any prefix (404).
    case atlas
    /// Cloud Manager: agent API keys per project under `/api/public/v1.0`; no global keys (see
    /// `SimulatorFaults.cloudManagerAdminStatus`).
    case cloudManager
    /// Ops Manager 5.0 and later: global keys, `/admin/accessList` (`/admin/whitelist` is 404) and agent keys.
    case opsManager
    /// Ops Manager before 5.0: as `opsManager`, but the global access list is at `/admin/whitelist` and
    /// `/admin/accessList` is 404.
    case legacyOpsManager

    /// Whether `/admin/apiKeys` and the global access list exist.
    public var hasGlobalKeys: Bool { self == .opsManager || self == .legacyOpsManager }
    /// Whether `/groups/{id}/agentapikeys` exists.
    public var hasAgentKeys: Bool { self != .atlas }
}

/// The six global roles Ops Manager documents for global API keys.
public enum GlobalRole {
    public static let all = [
        "GLOBAL_AUTOMATION_ADMIN", "GLOBAL_BACKUP_ADMIN", "GLOBAL_MONITORING_ADMIN", "GLOBAL_OWNER",
        "GLOBAL_READ_ONLY", "GLOBAL_USER_ADMIN",
    ]
    /// A role name outside those six, which the generator hands out now and then: a client must pass it through.
    public static let unlisted = "GLOBAL_METERING_READ_ONLY"
}

/// A global programmatic API key of Ops Manager (`GET /admin/apiKeys`): installation-wide, in no organization.
public struct SimulatedGlobalKey: Sendable, Equatable {
    /// An ObjectId: its first 8 hex digits are the creation time.
    public var id: String
    public var publicKey: String
    public var desc: String
    /// Role names only: global roles name no org or project.
    public var roles: [String]

    public init(id: String, publicKey: String, desc: String, roles: [String]) {
        self.id = id
        self.publicKey = publicKey
        self.desc = desc
        self.roles = roles
    }

    /// The private key as listings show it: masked but for its last 12 digits (taken from the id here).
    public var maskedPrivateKey: String { "********-****-****-" + String(id.suffix(12)) }
}

/// An entry of Ops Manager's global access list (`GET /admin/accessList`, before 5.0 `/admin/whitelist`).
public struct SimulatedGlobalAccessEntry: Sendable, Equatable {
    public var id: String
    /// As the API writes it: a block (`10.0.0.0/8`) or, as MongoDB's recorded body shows, a bare address.
    public var cidrBlock: String
    public var description: String
    /// The entry's scope; MongoDB's recorded bodies only show `GLOBAL_ROLE`.
    public var type: String
    /// Unix seconds.
    public var created: UInt32
    public var updated: UInt32

    public init(id: String, cidrBlock: String, description: String, type: String = "GLOBAL_ROLE", created: UInt32,
                updated: UInt32? = nil) {
        self.id = id
        self.cidrBlock = cidrBlock
        self.description = description
        self.type = type
        self.created = created
        self.updated = updated ?? created
    }
}

/// An agent API key of a project (`GET /groups/{id}/agentapikeys`, Cloud and Ops Manager).
public struct SimulatedAgentKey: Sendable, Equatable {
    /// `_id`: not an ObjectId in MongoDB's recorded bodies ("1", "2", …), so unique only within its project.
    public var id: String
    /// The last four hex digits of the key, the only ones a listing shows.
    public var keySuffix: String
    public var desc: String
    /// Unix milliseconds.
    public var createdMilliseconds: UInt64
    /// Absent for keys made by provisioning, as in the recorded bodies.
    public var createdUserID: String?
    public var createdIPAddress: String?
    /// `USER`, `PUBLIC_API` or `PROVISIONING`.
    public var createdBy: String

    public init(id: String, keySuffix: String, desc: String, createdMilliseconds: UInt64, createdUserID: String?,
                createdIPAddress: String?, createdBy: String) {
        self.id = id
        self.keySuffix = keySuffix
        self.desc = desc
        self.createdMilliseconds = createdMilliseconds
        self.createdUserID = createdUserID
        self.createdIPAddress = createdIPAddress
        self.createdBy = createdBy
    }

    /// The key as listings show it: 28 asterisks and the last four digits.
    public var maskedKey: String { String(repeating: "*", count: 28) + keySuffix }
}

/// One agent key with the org and project it belongs to, for comparing a whole inventory with metrics.
public struct SimulatedAgentKeyEntry: Sendable, Equatable {
    public var orgID: String
    public var projectID: String
    public var key: SimulatedAgentKey
}

extension SimulatedInventory {
    /// Every project's agent keys, org by org and project by project, in listing order.
    public var allAgentKeys: [SimulatedAgentKeyEntry] {
        orgs.flatMap { org in
            org.projects.flatMap { project in
                project.agentKeys.map { SimulatedAgentKeyEntry(orgID: org.id, projectID: project.id, key: $0) }
            }
        }
    }

    /// The agent keys of the project with this id; nil if no org has it.
    public func agentKeys(projectID: String) -> [SimulatedAgentKey]? {
        project(projectID)?.project.agentKeys
    }

    /// Where the project with this id is: the org's index and the project's, for changing it in place.
    public func projectIndices(_ projectID: String) -> (org: Int, project: Int)? {
        for (orgIndex, org) in orgs.enumerated() {
            if let projectIndex = org.projects.firstIndex(where: { $0.id == projectID }) { return (orgIndex, projectIndex) }
        }
        return nil
    }

    /// How many global keys hold each role (every role seen, the six documented ones at 0 when none holds them).
    public var globalKeysByRole: [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: GlobalRole.all.map { ($0, 0) })
        for key in globalKeys {
            for role in Set(key.roles) { counts[role, default: 0] += 1 }
        }
        return counts
    }
}
