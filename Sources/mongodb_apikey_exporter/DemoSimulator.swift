import APIKeyExporter
import AtlasSimulator
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The simulator `--demo` polls: a few organizations with a realistic spread of keys, roles and service accounts
/// (secrets expired, expiring soon and later, relative to the real time of the start; remote MCP configurations of
/// an org and of a project, with their system-managed accounts; delegation settings; OAuth events), one of which changes
/// every 20 seconds, and now and then an org's security settings or who uses a credential. With `--demo.ops-manager` it plays an Ops Manager instead: global keys with their access list,
/// and agent keys in every project, which change too.
struct DemoSimulator {
    let running: RunningSimulator
    let credentials: DigestCredentials
    let churn: InventoryChurn
    let opsManager: Bool
    /// Model API key changes (Atlas only).
    let aiModelKeyChurn: Task<Void, Never>?

    /// The base URL the exporter polls: Atlas v2, or Ops Manager's public API.
    var baseURL: String {
        running.baseURL(opsManager ? "/api/public/v1.0" : "/api/atlas/v2")
    }

    static func start(opsManager: Bool) async throws -> DemoSimulator {
        var random = SystemRandomNumberGenerator()
        let credentials = DigestCredentials(
            username: "demo" + String(UInt32.random(in: 0...UInt32.max, using: &random), radix: 16),
            password: UUID().uuidString.lowercased())
        let generator = opsManager
            ? InventoryGenerator(seed: 7, keysPerOrg: [240, 35, 730], projectsPerOrg: 6, flavor: .opsManager,
                                 globalKeyCount: 9, globalAccessListCount: 3, agentKeysPerProject: 0...3)
            : InventoryGenerator(seed: 7, keysPerOrg: [240, 35, 730], projectsPerOrg: 6,
                                 serviceAccountsPerOrg: [12, 10, 2], secretClock: unixNow())
        var inventory = generator.generate()
        if !opsManager {
            // Model API keys in every org; the third has more than one page of them (500 a page).
            for (index, count) in [12, 3, 520].enumerated() where index < inventory.orgs.count {
                inventory.orgs[index].aiModelKeys = InventoryGenerator.makeAIModelKeys(
                    count: count, projects: inventory.orgs[index].projects, now: unixNow(), seed: 7 + UInt64(index))
            }
        }
        let simulator = AtlasSimulator(inventory: inventory, users: [credentials.username: credentials.password])
        let running = try await simulator.start(host: "127.0.0.1", port: 0)
        if !opsManager { recordOAuthEvents(simulator) }
        // One step in three also changes an org's security posture: a setting and its event, a key or account used
        // from a new address (Ops Manager has none of that).
        let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 7, clock: unixNow,
                                   postureOneIn: opsManager ? 0 : 3)
        churn.start(every: .seconds(20))
        return DemoSimulator(running: running, credentials: credentials, churn: churn, opsManager: opsManager,
                             aiModelKeyChurn: opsManager ? nil : DemoAIModelKeyChurn.start(simulator))
    }

    /// A remote MCP agent's OAuth trail in the first org's feed (a client registered, consent and authorization
    /// granted, tokens issued, one denied), so that the OAuth event counters show something from the start.
    private static func recordOAuthEvents(_ simulator: AtlasSimulator) {
        guard let orgID = simulator.mutate({ $0.orgs.first?.id }) else { return }
        let user = SimulatedActor.user(userID: "5f1e0a000000000000000a01", username: "alice@example.com")
        for type in ["OAUTH_CLIENT_CREATED", "OAUTH_USER_CONSENT_GRANTED", "OAUTH_AUTHORIZATION_GRANTED",
                     "OAUTH_TOKEN_ISSUED", "OAUTH_TOKEN_ISSUED", "OAUTH_AUTHORIZATION_DENIED"] {
            simulator.recordEvent(orgID: orgID, type: type, actor: user, address: "203.0.113.7")
        }
    }

    func stop() async {
        churn.stop()
        aiModelKeyChurn?.cancel()
        await running.stop()
    }

    /// The current Unix time in seconds, clamped to what the simulator's times hold.
    @Sendable static func unixNow() -> UInt32 {
        UInt32(clamping: Int64(Date().timeIntervalSince1970.rounded(.down)))
    }
}
