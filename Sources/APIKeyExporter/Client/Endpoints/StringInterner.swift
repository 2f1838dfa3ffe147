/// Hands out one shared copy of each string it is given, so that the project ids and role names repeated in every
/// key of a listing share storage instead of costing an allocation per role entry.
///
/// A 100,000-key inventory repeats a few hundred project ids and role names several hundred thousand times;
/// interned page by page as the listing is read, a duplicate lives only until its page is done. The table is
/// bounded: it starts over when it holds `capacity` strings, which only costs sharing, never correctness.
struct StringInterner {
    private var table: [String: String] = [:]
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    mutating func intern(_ string: String) -> String {
        if let shared = table[string] { return shared }
        if table.count >= capacity { table.removeAll(keepingCapacity: true) }
        table[string] = string
        return string
    }
}

extension APIKey {
    /// The key with its project ids and role names replaced by the interner's shared copies.
    func interning(_ interner: inout StringInterner) -> APIKey {
        var key = self
        key.roles = roles.map { role in
            let scope: RoleScope = switch role.scope {
            case .organization: .organization
            case .project(let projectID): .project(interner.intern(projectID))
            }
            return RoleAssignment(scope: scope, roleName: interner.intern(role.roleName))
        }
        return key
    }
}
