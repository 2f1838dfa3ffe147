import AtlasSimulator
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `--demo` does to the model API keys, every 30 seconds, in turn: a key created, one renamed, one disabled or
/// re-enabled, one deleted, and one created and deleted within the same step (a transient key: both events in its
/// project's feed, never in a listing); now and then a project service-account secret event. Each change records
/// its project feed event, as Atlas does.
enum DemoAIModelKeyChurn {
    static func start(_ simulator: AtlasSimulator, every interval: Duration = .seconds(30)) -> Task<Void, Never> {
        Task {
            var step = 0
            var random = SeededGenerator(seed: 11)
            let actor = SimulatedActor.user(userID: "5f1e0a000000000000000a01", username: "alice@example.com")
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let org = simulator.inventory.orgs.first(where: { !$0.projects.isEmpty }) else { continue }
                let now = DemoSimulator.unixNow()
                let project = org.projects[step % org.projects.count]
                let newKey = InventoryGenerator.makeAIModelKey(index: 1_000 + step, projectID: project.id, now: now,
                                                                using: &random)
                let existing = org.aiModelKeys.isEmpty ? nil : org.aiModelKeys[step % org.aiModelKeys.count]
                switch step % 5 {
                case 0:
                    simulator.changeAIModelKey(orgID: org.id, .create(newKey), actor: actor)
                case 1:
                    if let key = existing { simulator.changeAIModelKey(orgID: org.id, .rename(id: key.id, name: key.name + " (renamed)"), actor: actor) }
                case 2:
                    if let key = existing {
                        simulator.changeAIModelKey(orgID: org.id, .setStatus(id: key.id, status: key.status == "ACTIVE" ? "DISABLED" : "ACTIVE"),
                                                   actor: actor)
                    }
                case 3:
                    if let key = existing { simulator.changeAIModelKey(orgID: org.id, .delete(id: key.id), actor: actor) }
                default:
                    // In one step: a listing between the two would see the key, and it would not be transient.
                    simulator.changeAIModelKeys(orgID: org.id, [.create(newKey), .delete(id: newKey.id)], actor: actor)
                    simulator.recordProjectEvent(projectID: project.id, type: "GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRING")
                }
                step += 1
            }
        }
    }
}
