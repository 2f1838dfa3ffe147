import Dispatch

/// Changes a simulator's inventory on a timer, the way a busy organization does: keys are created, deleted,
/// given new roles and renamed; service accounts are added, removed, given new secrets, roles, projects, access-list
/// entries and descriptions. Every change is recorded in the org's activity feed, and now and then a key is created
/// and deleted at once (a transient key, never listed, seen only in the feed). On Cloud and Ops Manager flavors,
/// Ops Manager's own credentials change too (see `OpsManagerChurn`). `--demo` uses it so the change counters and
/// alerts have something to show.
public final class InventoryChurn: @unchecked Sendable {
    // @unchecked: `random`, `eventRandom`, `opsManager`, `posture`, their counts, the indices and `timer` are only
    // touched on `queue`.
    private let simulator: AtlasSimulator
    private let generator: InventoryGenerator
    private let queue = DispatchQueue(label: "atlas-simulator.churn")
    /// Made by `start`: a timer source released without ever being resumed would crash in Dispatch.
    private var timer: (any DispatchSourceTimer)?
    private var random: SeededGenerator
    private var nextIndex = 1_000_000
    /// Draws for what the feed adds (actors, addresses, transient keys): a stream of its own, so the inventory a
    /// seed makes is the same as before the feed existed.
    private var eventRandom: SeededGenerator
    private var transientIndex = 2_000_000
    static let eventSeedSalt: UInt64 = 0xFEED_0000_5EED_0001
    /// One step in this many also makes a transient key.
    public static let transientOneIn = 6
    /// The kinds of service account change (see `changeServiceAccount`).
    static let serviceAccountChanges = 7
    /// The time service account changes happen at (Unix seconds).
    private let clock: @Sendable () -> UInt32
    /// Global keys, the global access list and agent keys, on the flavors that have them (a stream of its own).
    private var opsManager: OpsManagerChurn
    /// How many Ops Manager changes of each kind (`SimulatedOpsManagerChange.kind`) were made.
    private var opsManagerCounts: [String: Int] = [:]
    /// Settings, their events and access-list usage (see `PostureChurn`), one step in `postureOneIn` (0: never,
    /// so that a churn made without it draws and records exactly as before it existed).
    private var posture: PostureChurn
    private let postureOneIn: Int
    private var postureCounts: [String: Int] = [:]

    /// `clock` dates new accounts and secrets; by default the generator's fixed `secretClock`, so a seed always
    /// makes the same changes. With `postureOneIn` above 0, one step in that many also changes an org's posture.
    public init(simulator: AtlasSimulator, generator: InventoryGenerator, seed: UInt64,
                clock: (@Sendable () -> UInt32)? = nil, postureOneIn: Int = 0) {
        self.simulator = simulator
        self.generator = generator
        self.random = SeededGenerator(seed: seed)
        self.eventRandom = SeededGenerator(seed: seed ^ Self.eventSeedSalt)
        let fixed = generator.secretClock
        self.clock = clock ?? { fixed }
        self.opsManager = OpsManagerChurn(seed: seed)
        self.posture = PostureChurn(seed: seed)
        self.postureOneIn = max(0, postureOneIn)
    }

    /// Applies one random change every `interval` until `stop()`.
    public func start(every interval: Duration) {
        let nanoseconds = Int(interval.components.seconds) * 1_000_000_000
            + Int(interval.components.attoseconds / 1_000_000_000)
        queue.sync {
            guard timer == nil else { return }
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.setEventHandler { [self] in change() }
            timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds))
            timer.resume()
            self.timer = timer
        }
    }

    /// Cancels the timer; a change under way finishes first.
    public func stop() {
        queue.sync { timer?.cancel() }
    }

    /// Applies one change now, as the timer would (for tests that step the churn themselves).
    public func step() {
        queue.sync { change() }
    }

    /// Makes one change to the Ops Manager parts now (none on Atlas), whatever a step would have drawn.
    @discardableResult
    public func stepOpsManager() -> SimulatedOpsManagerChange? {
        queue.sync { simulator.withState { changeOpsManager(&$0) } }
    }

    /// How many Ops Manager changes of each kind (`SimulatedOpsManagerChange.kind`) were made so far.
    public var opsManagerChangeCounts: [String: Int] {
        queue.sync { opsManagerCounts }
    }

    /// Makes one posture change now (see `PostureChurn`), whatever a step would have drawn; nil if none applies.
    @discardableResult
    public func stepPosture() -> SimulatedPostureChange? {
        queue.sync { simulator.withState { changePosture(&$0, at: simulator.eventClock()) } }
    }

    /// How many posture changes of each kind (`SimulatedPostureChange.kinds`) were made so far.
    public var postureChangeCounts: [String: Int] {
        queue.sync { postureCounts }
    }

    /// Runs on `queue`, inside `withState`.
    @discardableResult
    private func changePosture(_ state: inout SimulatorState, at now: UInt64) -> SimulatedPostureChange? {
        let made = posture.change(&state, at: now)
        if let made { postureCounts[made.kind, default: 0] += 1 }
        return made
    }

    /// Runs on `queue`, inside `withState`.
    @discardableResult
    private func changeOpsManager(_ state: inout SimulatorState) -> SimulatedOpsManagerChange? {
        let made = opsManager.change(&state.inventory, generator: generator, now: clock())
        if let made {
            state.generation += 1
            opsManagerCounts[made.kind, default: 0] += 1
        }
        return made
    }

    /// One change: on a flavor with Ops Manager parts, one step in two (drawn from their own stream) changes them;
    /// otherwise a random org: a key (add, remove, grant a role, edit a description) or, in an org with
    /// service accounts, more often an account (see `changeServiceAccount`). An org without accounts draws
    /// exactly as before accounts existed, so seeded runs stay the same. Then, one step in `transientOneIn` (drawn
    /// from `eventRandom`), a transient key. Runs on `queue`.
    private func change() {
        let now = simulator.eventClock()
        simulator.withState { state in
            if opsManager.takesStep(state.inventory.flavor) {
                changeOpsManager(&state)
            } else if !changeOrg(&state, at: now) {
                return
            }
            if Int.random(in: 0..<Self.transientOneIn, using: &eventRandom) == 0 {
                makeTransientKey(state: &state, at: now)
            }
            if posture.takesStep(oneIn: postureOneIn) { changePosture(&state, at: now) }
        }
    }

    /// A change to a random org (see `change`); false if there is none.
    private func changeOrg(_ state: inout SimulatorState, at now: UInt64) -> Bool {
        guard let orgIndex = state.inventory.orgs.indices.randomElement(using: &random) else { return false }
        let org = state.inventory.orgs[orgIndex]
        nextIndex += 1
        let change = org.serviceAccounts.isEmpty ? nil : Int.random(in: 0..<(4 + Self.serviceAccountChanges), using: &random)
        if let change, change >= 4 {
            changeServiceAccount(change - 4, in: org, state: &state, at: now)
        } else {
            changeKey(org.keys.isEmpty ? 0 : change ?? Int.random(in: 0..<4, using: &random), in: org,
                      state: &state, at: now)
        }
        return true
    }

    /// The change, made through the simulator's recording key changes (with the draws from `random` the churn
    /// always made, in the same order).
    private func changeKey(_ change: Int, in org: SimulatedOrg, state: inout SimulatorState, at now: UInt64) {
        switch change {
        case 0:
            let key = generator.makeKey(index: nextIndex, orgID: org.id, projects: org.projects, using: &random)
            let (actor, address) = pickActor(org)
            state.createKey(orgID: org.id, key: key, actor: actor, address: address, at: now)
        case 1:
            let key = org.keys[Int.random(in: 0..<org.keys.count, using: &random)]
            let (actor, address) = pickActor(org)
            state.deleteKey(orgID: org.id, keyID: key.id, actor: actor, address: address, at: now)
        case 2:
            let key = org.keys[Int.random(in: 0..<org.keys.count, using: &random)]
            let owner = SimulatedRole.org(org.id, "ORG_OWNER")
            var roles = key.roles
            if roles.contains(owner) {
                roles.removeAll { $0 == owner }
            } else {
                roles.append(owner)
            }
            let (actor, address) = pickActor(org)
            state.setRoles(orgID: org.id, keyID: key.id, roles: roles, actor: actor, address: address, at: now)
        default:
            let key = org.keys[Int.random(in: 0..<org.keys.count, using: &random)]
            let (actor, address) = pickActor(org)
            state.setDescription(orgID: org.id, keyID: key.id, description: "Rotated by the demo churn #\(nextIndex)",
                                 actor: actor, address: address, at: now)
        }
    }

    /// A key created and deleted within one step, a moment apart: both events are in the feed, no listing shows it.
    private func makeTransientKey(state: inout SimulatorState, at now: UInt64) {
        guard let orgIndex = state.inventory.orgs.indices.randomElement(using: &eventRandom) else { return }
        let org = state.inventory.orgs[orgIndex]
        transientIndex += 1
        let key = generator.makeKey(index: transientIndex, orgID: org.id, projects: org.projects, using: &eventRandom)
        let (actor, address) = pickActor(org)
        let lifetime = UInt64.random(in: 200..<3_000, using: &eventRandom)
        state.createKey(orgID: org.id, key: key, actor: actor, address: address, at: now)
        state.deleteKey(orgID: org.id, keyID: key.id, actor: actor, address: address, at: now + lifetime)
    }

    static let people: [SimulatedActor] = [
        .user(userID: "5f1e0a000000000000000a01", username: "alice@example.com"),
        .user(userID: "5f1e0a000000000000000a02", username: "bob@example.com"),
        .user(userID: "5f1e0a000000000000000a03", username: "platform-oncall@example.com"),
    ]

    /// Who made a change, from where (drawn from `eventRandom`): a person, or one in three times a key of the org.
    private func pickActor(_ org: SimulatedOrg) -> (SimulatedActor, String) {
        let address = "203.0.113.\(UInt8.random(in: 1...254, using: &eventRandom))"
        if !org.keys.isEmpty, Int.random(in: 0..<3, using: &eventRandom) == 0 {
            let key = org.keys[Int.random(in: 0..<org.keys.count, using: &eventRandom)]
            return (.apiKey(apiKeyID: key.id, publicKey: key.publicKey), address)
        }
        let person = Self.people[Int.random(in: 0..<Self.people.count, using: &eventRandom)]
        return (person, address)
    }

    /// 0 adds an account, 1 removes one, 2 rotates a secret (the older ones then expire within 7 days; past three,
    /// the oldest is deleted), 3 gives or takes `ORG_OWNER`, 4 adds the account to a project or removes it, 5 adds
    /// or deletes an access-list entry, 6 edits its description. Each through the simulator's recording changes,
    /// by an actor drawn from `eventRandom`. Only called for an org with accounts.
    private func changeServiceAccount(_ kind: Int, in org: SimulatedOrg, state: inout SimulatorState, at now: UInt64) {
        let time = clock()
        let account = org.serviceAccounts[Int.random(in: 0..<org.serviceAccounts.count, using: &random)]
        let clientID = account.clientID
        var changes: [SimulatedServiceAccountChange] = []
        switch kind {
        case 0:
            changes = [.create(generator.makeServiceAccount(index: nextIndex, projects: org.projects, now: time, using: &random))]
        case 1:
            changes = [.delete(clientID: clientID)]
        case 2:
            let lifetime = UInt32.random(in: (30 * InventoryGenerator.day)...(180 * InventoryGenerator.day), using: &random)
            let secret = SimulatedSecret(id: InventoryGenerator.objectID(time: time, using: &random), created: time,
                                         expires: InventoryGenerator.plus(time, lifetime))
            changes = [.addSecret(clientID: clientID, secret: secret)]
            // At most three secrets, as the generator makes; the oldest goes.
            if account.secrets.count >= 3, let oldest = account.secrets.first {
                changes.append(.deleteSecret(clientID: clientID, secretID: oldest.id))
            }
        case 3:
            var roles = account.orgRoles
            if roles.contains("ORG_OWNER") {
                roles.removeAll { $0 == "ORG_OWNER" }
                if roles.isEmpty { roles = ["ORG_MEMBER"] }
            } else {
                roles.append("ORG_OWNER")
            }
            changes = [.setOrgRoles(clientID: clientID, roles: roles)]
        case 4 where !org.projects.isEmpty:
            let project = org.projects[Int.random(in: 0..<org.projects.count, using: &random)].id
            changes = (account.projectRoles[project] ?? []).isEmpty
                ? [.addToProject(clientID: clientID, projectID: project, roles: ["GROUP_READ_ONLY"])]
                : [.removeFromProject(clientID: clientID, projectID: project)]
        case 5:
            if !account.accessList.isEmpty, Bool.random(using: &random) {
                let entry = account.accessList[Int.random(in: 0..<account.accessList.count, using: &random)]
                changes = [.deleteAccessListEntry(clientID: clientID, address: entry.address)]
            } else {
                let address = "198.51.100.\(Int.random(in: 1...254, using: &random))"
                changes = [.addAccessListEntry(clientID: clientID,
                                               entry: SimulatedAccessEntry(address: address, created: time, lastUsed: nil))]
            }
        default:
            changes = [.setDetails(clientID: clientID, name: account.name,
                                   description: "Edited by the demo churn #\(nextIndex)")]
        }
        let (actor, address) = pickActor(org)
        for change in changes {
            state.changeServiceAccount(orgID: org.id, change, actor: actor, address: address, at: now)
        }
    }
}
