/// One change `InventoryChurn` made to an org's security posture.
public struct SimulatedPostureChange: Sendable, Equatable {
    /// One of `SimulatedPostureChange.kinds`.
    public var kind: String
    public var orgID: String
    /// The events it recorded (none for a usage change).
    public var events: [SimulatedEvent]
    /// The key or account whose access list was used, and from which address, for a usage change.
    public var keyID: String?
    public var clientID: String?
    public var address: String?

    public static let kinds = [
        "api_access_list", "mfa", "employee_access", "ui_access_list", "max_secret_validity", "secrets_expiring",
        "secrets_expired", "key_ui_access_list_inheritance", "key_usage", "service_account_usage",
    ]
}

/// The posture half of `InventoryChurn`: a random org's settings toggled or edited (with their events, one in four
/// made through a delegate principal), Atlas flagging its service account secrets as expiring or expired and back
/// (with no actor), a key's UI access-list inheritance switched, or a key or account used from a new address
/// (more requests, a later `lastUsed`). A field the org's settings leave out stays out: that kind goes to the
/// next. Draws from a stream of its own.
struct PostureChurn {
    static let seedSalt: UInt64 = 0x9057_0AE0_0000_0001
    static let applications = [
        SimulatedPrincipal(id: "66aa00000000000000000d01", name: "Terraform Cloud (OAuth)"),
        SimulatedPrincipal(id: "66aa00000000000000000d02", name: "Atlas Admin Assistant \"beta\""),
        SimulatedPrincipal(id: "66aa00000000000000000d03", name: "Überwachung ✓ app"),
    ]
    private var random: SeededGenerator

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed ^ Self.seedSalt)
    }

    /// Whether a step also changes the posture: one in `oneIn` (never below 1).
    mutating func takesStep(oneIn: Int) -> Bool {
        oneIn > 0 && Int.random(in: 0..<oneIn, using: &random) == 0
    }

    /// One change to a random org at `milliseconds`: a random kind, or the next that applies; nil when none does.
    mutating func change(_ state: inout SimulatorState, at milliseconds: UInt64) -> SimulatedPostureChange? {
        guard !state.inventory.orgs.isEmpty else { return nil }
        let org = state.inventory.orgs[Int.random(in: 0..<state.inventory.orgs.count, using: &random)]
        let kinds = SimulatedPostureChange.kinds.count
        let first = Int.random(in: 0..<kinds, using: &random)
        for offset in 0..<kinds {
            if let made = apply((first + offset) % kinds, to: org, state: &state, at: milliseconds) { return made }
        }
        return nil
    }

    private mutating func apply(_ kind: Int, to org: SimulatedOrg, state: inout SimulatorState,
                                at milliseconds: UInt64) -> SimulatedPostureChange? {
        let settings = org.settings
        var edit: ((inout SimulatedOrgSettings) -> Void)?
        var system = false
        switch kind {
        case 0 where settings.apiAccessListRequired != nil:
            edit = { $0.apiAccessListRequired = !($0.apiAccessListRequired ?? false) }
        case 1 where settings.multiFactorAuthRequired != nil:
            edit = { $0.multiFactorAuthRequired = !($0.multiFactorAuthRequired ?? false) }
        case 2 where settings.restrictEmployeeAccess != nil:
            edit = { $0.restrictEmployeeAccess = !($0.restrictEmployeeAccess ?? false) }
        case 3:
            edit = { $0.uiAccessListEnabled.toggle() }
        case 4 where settings.maxServiceAccountSecretValidityInHours != nil:
            let choices = InventoryGenerator.secretValidityChoices.filter { $0 != settings.maxServiceAccountSecretValidityInHours }
            let hours = choices[Int.random(in: 0..<choices.count, using: &random)]
            edit = { $0.maxServiceAccountSecretValidityInHours = hours }
        case 5:
            (edit, system) = ({ $0.serviceAccountSecretsExpiring.toggle() }, true)
        case 6:
            (edit, system) = ({ $0.serviceAccountSecretsExpired.toggle() }, true)
        case 7 where !org.keys.isEmpty:
            let keyID = org.keys[Int.random(in: 0..<org.keys.count, using: &random)].id
            edit = { settings in
                if settings.keysInheritingUIAccessList.remove(keyID) == nil { settings.keysInheritingUIAccessList.insert(keyID) }
            }
        case 8:
            return useKey(in: org, state: &state, at: milliseconds)
        case 9:
            return useAccount(in: org, state: &state, at: milliseconds)
        default:
            return nil
        }
        guard let edit else { return nil }
        let (actor, address, delegate) = system ? (.system, "", nil) : pickActor(org)
        guard let events = state.changeOrgSettings(orgID: org.id, actor: actor, address: address,
                                                   delegatePrincipal: delegate, at: milliseconds, edit),
              !events.isEmpty else { return nil }
        return SimulatedPostureChange(kind: SimulatedPostureChange.kinds[kind], orgID: org.id, events: events)
    }

    /// A person or a key of the org, from an address, and one time in four an OAuth application acting for them.
    private mutating func pickActor(_ org: SimulatedOrg) -> (SimulatedActor, String, SimulatedPrincipal?) {
        let address = "203.0.113.\(UInt8.random(in: 1...254, using: &random))"
        var actor = InventoryChurn.people[Int.random(in: 0..<InventoryChurn.people.count, using: &random)]
        if !org.keys.isEmpty, Int.random(in: 0..<3, using: &random) == 0 {
            let key = org.keys[Int.random(in: 0..<org.keys.count, using: &random)]
            actor = .apiKey(apiKeyID: key.id, publicKey: key.publicKey)
        }
        guard Int.random(in: 0..<4, using: &random) == 0 else { return (actor, address, nil) }
        var application = Self.applications[Int.random(in: 0..<Self.applications.count, using: &random)]
        switch actor {
        case .user(let userID, let username): application.onBehalfOf = SimulatedPrincipal(id: userID, name: username)
        case .apiKey(let apiKeyID, let publicKey): application.onBehalfOf = SimulatedPrincipal(id: apiKeyID, name: publicKey)
        }
        return (actor, address, application)
    }

    /// A key of the org with an access list, used through one of its entries from a new address.
    private mutating func useKey(in org: SimulatedOrg, state: inout SimulatorState,
                                 at milliseconds: UInt64) -> SimulatedPostureChange? {
        let keys = org.keys.filter { !$0.accessList.isEmpty }
        guard !keys.isEmpty else { return nil }
        let key = keys[Int.random(in: 0..<keys.count, using: &random)]
        let (entry, address, requests, seconds) = use(key.accessList, at: milliseconds)
        guard state.useKeyEntry(orgID: org.id, keyID: key.id, entry: entry, from: address, requests: requests,
                                at: seconds) else { return nil }
        return SimulatedPostureChange(kind: "key_usage", orgID: org.id, events: [], keyID: key.id, address: address)
    }

    /// As `useKey`, for a service account.
    private mutating func useAccount(in org: SimulatedOrg, state: inout SimulatorState,
                                     at milliseconds: UInt64) -> SimulatedPostureChange? {
        let accounts = org.serviceAccounts.filter { !$0.accessList.isEmpty }
        guard !accounts.isEmpty else { return nil }
        let account = accounts[Int.random(in: 0..<accounts.count, using: &random)]
        let (entry, address, requests, seconds) = use(account.accessList, at: milliseconds)
        guard state.useServiceAccountEntry(orgID: org.id, clientID: account.clientID, entry: entry, from: address,
                                           requests: requests, at: seconds) else { return nil }
        return SimulatedPostureChange(kind: "service_account_usage", orgID: org.id, events: [],
                                      clientID: account.clientID, address: address)
    }

    /// Which entry of a non-empty list is used, from where, how many more requests, and when: after every use
    /// of the list so far, so this entry becomes the most recently used.
    private mutating func use(_ entries: [SimulatedAccessEntry],
                              at milliseconds: UInt64) -> (String, String, Int, UInt32) {
        let entry = entries[Int.random(in: 0..<entries.count, using: &random)]
        let address = SimulatedAccessEntry.address(in: entry.address, using: &random)
        let latest = entries.compactMap(\.lastUsed).max() ?? 0
        let seconds = max(UInt32(clamping: milliseconds / 1_000), InventoryGenerator.plus(latest, 1))
        return (entry.address, address, Int.random(in: 1...500, using: &random), seconds)
    }
}
