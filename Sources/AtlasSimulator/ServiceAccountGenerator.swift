/// Realistic service accounts for `InventoryGenerator`: 1–3 secrets each whose expiries spread over "already
/// expired", "within 3 days", "within 14 days" and "later" relative to a fixed clock, secrets never used, some
/// `ORG_OWNER` accounts, project roles, and a few system-managed accounts.
extension InventoryGenerator {
    static let serviceAccountSeedSalt: UInt64 = 0x5E7F_1CE0_ACC0_0A75
    static let hour: UInt32 = 3_600
    static let day: UInt32 = 86_400

    static let serviceAccountNames = [
        "terraform-ci", "grafana-reader", "backup-automation", "deploy \"payments\"", "Überwachung ✓",
        "atlas-operator", "cost-reports", "data\\pipeline", "ops team\nsecond line",
    ]

    /// Account `index` of an org, with times relative to `now` (Unix seconds). Deterministic for a given
    /// generator state; the index decides which expiry bands its secrets fall in, so every band shows up once an
    /// org has a handful of accounts.
    public func makeServiceAccount(index: Int, projects: [SimulatedProject], now: UInt32,
                                   using random: inout SeededGenerator) -> SimulatedServiceAccount {
        let secretCount = Int.random(in: 1...3, using: &random)
        var secrets = (0..<secretCount).map { secretIndex in
            Self.makeSecret(band: (index + secretIndex) % 5, neverUsed: (index + secretIndex) % 4 == 2,
                            fractional: (index + secretIndex) % 2 == 1, now: now, using: &random)
        }
        secrets.sort { $0.created < $1.created }
        let oldest = secrets.map(\.created).min() ?? now
        let created = Self.minus(oldest, UInt32.random(in: 0...30 * Self.day, using: &random))

        var orgRoles = [index % 4 == 1 ? "ORG_OWNER" : Self.pickOrgRole(using: &random)]
        if Int.random(in: 0..<4, using: &random) == 0, !orgRoles.contains("ORG_BILLING_READ_ONLY") {
            orgRoles.append("ORG_BILLING_READ_ONLY")
        }
        var projectRoles: [String: [String]] = [:]
        if !projects.isEmpty {
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let projectID = projects[Int.random(in: 0..<projects.count, using: &random)].id
                let role = Self.projectRoles[Int.random(in: 0..<Self.projectRoles.count, using: &random)]
                if !(projectRoles[projectID] ?? []).contains(role) { projectRoles[projectID, default: []].append(role) }
            }
        }
        var accessList: [SimulatedAccessEntry] = []
        for entry in 0..<max(0, Int.random(in: -1...2, using: &random)) {
            let address = entry == 0 ? "203.0.113.0/24" : "198.51.100.\(Int.random(in: 1...254, using: &random))"
            let used = Bool.random(using: &random)
                ? created + UInt32.random(in: 0...Self.minus(now, created), using: &random) : nil
            accessList.append(SimulatedAccessEntry(address: address, created: created, lastUsed: used))
        }
        let name = "\(Self.serviceAccountNames[index % Self.serviceAccountNames.count])-\(index + 1)"
        return SimulatedServiceAccount(
            clientID: "mdb_sa_id_" + Self.objectID(time: created, using: &random), name: name,
            description: "\(Self.descriptions[index % Self.descriptions.count]) (service account #\(index + 1))",
            created: created, milliseconds: index % 3 == 2 ? UInt16.random(in: 1...999, using: &random) : nil,
            orgRoles: orgRoles, projectRoles: projectRoles, secrets: secrets, accessList: accessList,
            isSystemManaged: index % 5 == 4)
    }

    /// A secret expiring in `band`: 0 already expired, 1 within 3 days, 2 within 14 days, else 30–300 days away.
    /// Its life is 8 hours to 365 days, as Atlas allows, and it was created before `now`.
    static func makeSecret(band: Int, neverUsed: Bool, fractional: Bool, now: UInt32,
                           using random: inout SeededGenerator) -> SimulatedSecret {
        let expires: UInt32
        switch band {
        case 0: expires = minus(now, UInt32.random(in: hour...30 * day, using: &random))
        case 1: expires = plus(now, UInt32.random(in: hour...(3 * day - hour), using: &random))
        case 2: expires = plus(now, UInt32.random(in: (3 * day + hour)...(14 * day - hour), using: &random))
        default: expires = plus(now, UInt32.random(in: (30 * day)...(300 * day), using: &random))
        }
        let shortest = max(8 * hour, minus(expires, now) + hour)
        let created = minus(expires, UInt32.random(in: shortest...max(shortest, 365 * day), using: &random))
        let lastUsedBound = minus(min(now, expires), created)
        let lastUsed = neverUsed || Int.random(in: 0..<5, using: &random) == 0
            ? nil : created + UInt32.random(in: 0...lastUsedBound, using: &random)
        return SimulatedSecret(id: objectID(time: created, using: &random), created: created, expires: expires,
                               lastUsed: lastUsed, milliseconds: fractional ? UInt16.random(in: 1...999, using: &random) : nil)
    }

    /// `a - b`, or 0 below zero.
    static func minus(_ a: UInt32, _ b: UInt32) -> UInt32 {
        a > b ? a - b : 0
    }

    /// `a + b`, or `UInt32.max` beyond it.
    static func plus(_ a: UInt32, _ b: UInt32) -> UInt32 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
