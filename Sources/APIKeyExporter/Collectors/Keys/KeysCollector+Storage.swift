/// What the key listing keeps across a restart: the last good listing whole (ids, public keys, descriptions,
/// roles), so that the first cycle after a start diffs against it and logs each change as usual, and so that a
/// first cycle that fails still has the last good inventory to show (marked stale).
extension KeysCollector: PersistentOrgCollector {
    struct Saved: Codable {
        var completedAt: Double
        /// Each key as `[id, public key, description, role...]`; a role as its name (org) or `name@projectID`.
        var keys: [[String]]
    }

    static func saved(_ org: OrgStatus) -> Saved? {
        guard let snapshot = org.lastGood else { return nil }
        return Saved(completedAt: snapshot.completedAt, keys: snapshot.keys.map { key in
            [key.id, key.publicKey, key.desc] + key.roles.map { role in
                switch role.scope {
                case .organization: role.roleName
                case .project(let projectID): "\(role.roleName)@\(projectID)"
                }
            }
        })
    }

    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double) {
        let keys = saved.keys.compactMap { fields -> APIKey? in
            guard fields.count >= 3 else { return nil }
            let roles = fields.dropFirst(3).map { text -> RoleAssignment in
                guard let at = text.lastIndex(of: "@") else { return RoleAssignment(scope: .organization, roleName: text) }
                return RoleAssignment(scope: .project(String(text[text.index(after: at)...])), roleName: String(text[..<at]))
            }
            return APIKey(id: fields[0], publicKey: fields[1], desc: fields[2], roles: roles)
        }
        org.lastGood = OrgSnapshot(orgID: org.orgID, keys: keys, completedAt: saved.completedAt)
        org.lastPollSucceeded = false
        // Not a baseline: the first cycle counts what changed since the save.
        org.keyChanges.setBaseline(at: restoredAt)
    }
}
