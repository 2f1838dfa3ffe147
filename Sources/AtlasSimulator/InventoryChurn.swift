import Dispatch

/// Changes a simulator's inventory on a timer, the way a busy organization does: keys are created, deleted,
/// given new roles and renamed. `--demo` uses it so the change counters and alerts have something to show.
public final class InventoryChurn: @unchecked Sendable {
    // @unchecked: `random` and `nextIndex` are only touched on `queue`, and Dispatch sources are thread-safe.
    private let simulator: AtlasSimulator
    private let generator: InventoryGenerator
    private let queue = DispatchQueue(label: "atlas-simulator.churn")
    private let timer: any DispatchSourceTimer
    private var random: SeededGenerator
    private var nextIndex = 1_000_000

    public init(simulator: AtlasSimulator, generator: InventoryGenerator, seed: UInt64) {
        self.simulator = simulator
        self.generator = generator
        self.random = SeededGenerator(seed: seed)
        self.timer = DispatchSource.makeTimerSource(queue: queue)
    }

    /// Applies one random change every `interval` until `stop()`.
    public func start(every interval: Duration) {
        let nanoseconds = Int(interval.components.seconds) * 1_000_000_000
            + Int(interval.components.attoseconds / 1_000_000_000)
        timer.setEventHandler { [self] in step() }
        timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds))
        timer.resume()
    }

    public func stop() {
        timer.cancel()
    }

    /// One change to a random org: add, remove, grant a role or edit a description.
    func step() {
        simulator.mutate { inventory in
            guard let orgIndex = inventory.orgs.indices.randomElement(using: &random) else { return }
            var org = inventory.orgs[orgIndex]
            nextIndex += 1
            switch org.keys.isEmpty ? 0 : Int.random(in: 0..<4, using: &random) {
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
            inventory.orgs[orgIndex] = org
        }
    }
}
