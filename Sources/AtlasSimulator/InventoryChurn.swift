import Dispatch

/// Changes a simulator's inventory on a timer, the way a busy organization does: keys are created, deleted,
/// given new roles and renamed; service accounts are added, removed, given new secrets and roles. `--demo` uses it so the change counters and alerts have something to show.
public final class InventoryChurn: @unchecked Sendable {
    // @unchecked: `random`, `nextIndex` and `timer` are only touched on `queue`.
    private let simulator: AtlasSimulator
    private let generator: InventoryGenerator
    private let queue = DispatchQueue(label: "atlas-simulator.churn")
    /// Made by `start`: a timer source released without ever being resumed would crash in Dispatch.
    private var timer: (any DispatchSourceTimer)?
    private var random: SeededGenerator
    private var nextIndex = 1_000_000
    /// The time service account changes happen at (Unix seconds).
    private let clock: @Sendable () -> UInt32

    /// `clock` dates new accounts and secrets; by default the generator's fixed `secretClock`, so a seed always
    /// makes the same changes.
    public init(simulator: AtlasSimulator, generator: InventoryGenerator, seed: UInt64,
                clock: (@Sendable () -> UInt32)? = nil) {
        self.simulator = simulator
        self.generator = generator
        self.random = SeededGenerator(seed: seed)
        let fixed = generator.secretClock
        self.clock = clock ?? { fixed }
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

    /// One change to a random org: to a key (add, remove, grant a role, edit a description) or, in an org with
    /// service accounts, as often to an account (add, remove, rotate a secret, change its org roles). An org
    /// without accounts draws exactly as before accounts existed, so seeded runs stay the same. Runs on `queue`.
    private func change() {
        simulator.mutate { inventory in
            guard let orgIndex = inventory.orgs.indices.randomElement(using: &random) else { return }
            var org = inventory.orgs[orgIndex]
            nextIndex += 1
            let change = org.serviceAccounts.isEmpty ? nil : Int.random(in: 0..<8, using: &random)
            if let change, change >= 4 {
                changeServiceAccount(change - 4, in: &org)
            } else {
                changeKey(org.keys.isEmpty ? 0 : change ?? Int.random(in: 0..<4, using: &random), in: &org)
            }
            inventory.orgs[orgIndex] = org
        }
    }

    private func changeKey(_ change: Int, in org: inout SimulatedOrg) {
        switch change {
        case 0:
            org.keys.append(generator.makeKey(index: nextIndex, orgID: org.id, projects: org.projects, using: &random))
        case 1:
            org.keys.remove(at: Int.random(in: 0..<org.keys.count, using: &random))
        case 2:
            let index = Int.random(in: 0..<org.keys.count, using: &random)
            let owner = SimulatedRole.org(org.id, "ORG_OWNER")
            if org.keys[index].roles.contains(owner) {
                org.keys[index].roles.removeAll { $0 == owner }
            } else {
                org.keys[index].roles.append(owner)
            }
        default:
            let index = Int.random(in: 0..<org.keys.count, using: &random)
            org.keys[index].desc = "Rotated by the demo churn #\(nextIndex)"
        }
    }

    /// 0 adds an account, 1 removes one, 2 rotates a secret (the older ones then expire within 7 days), 3 gives or
    /// takes `ORG_OWNER`. Only called for an org with accounts.
    private func changeServiceAccount(_ change: Int, in org: inout SimulatedOrg) {
        let now = clock()
        let index = Int.random(in: 0..<org.serviceAccounts.count, using: &random)
        switch change {
        case 0:
            org.serviceAccounts.append(generator.makeServiceAccount(
                index: nextIndex, projects: org.projects, now: now, using: &random))
        case 1:
            org.serviceAccounts.remove(at: index)
        case 2:
            let lifetime = UInt32.random(in: (30 * InventoryGenerator.day)...(180 * InventoryGenerator.day), using: &random)
            let secret = SimulatedSecret(id: InventoryGenerator.objectID(time: now, using: &random), created: now,
                                         expires: InventoryGenerator.plus(now, lifetime))
            org.serviceAccounts[index].rotate(to: secret)
            // At most three secrets, as the generator makes; the oldest goes.
            if org.serviceAccounts[index].secrets.count > 3 { org.serviceAccounts[index].secrets.removeFirst() }
        default:
            var roles = org.serviceAccounts[index].orgRoles
            if roles.contains("ORG_OWNER") {
                roles.removeAll { $0 == "ORG_OWNER" }
                if roles.isEmpty { roles = ["ORG_MEMBER"] }
            } else {
                roles.append("ORG_OWNER")
            }
            org.serviceAccounts[index].orgRoles = roles
        }
    }
}
