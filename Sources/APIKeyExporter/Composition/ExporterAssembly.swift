#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import Logging
import ServiceLifecycle

/// Runs the poller for as long as the service group runs.
public struct PollerService: Service {
    public let poller: Poller

    public init(poller: Poller) {
        self.poller = poller
    }

    public func run() async throws {
        poller.start()
        // Returns on SIGTERM/SIGINT (graceful shutdown) or throws on cancellation; stop in both cases.
        try? await gracefulShutdown()
        poller.stop()
    }
}

/// Wires configuration to running parts: client → target poller → poller → cache → HTTP server.
public enum ExporterAssembly {
    public struct Parts {
        public let poller: Poller
        public let cache: ExpositionCache
        public let services: [any Service]
    }

    public static func make(
        config: ExporterConfig, logger: Logger,
        onListening: @escaping @Sendable (ListenAddress) async -> Void = { _ in }
    ) throws(ConfigError) -> Parts {
        let cache = ExpositionCache()
        let basicAuth = config.webConfig.flatMap { $0.basicAuthUsers.isEmpty ? nil : BcryptVerifier(users: $0.basicAuthUsers) }
        let configPage = ConfigPageSource(config)
        // One gate for the process: every target's and every org's page decoding shares the same cores.
        let cpuGate = CPUGate.forThisMachine()
        let applier = TargetApplier(configPage: configPage, storagePath: config.poll.storagePath, logger: logger) { target in
            makeTargetPoller(target, settings: config.collectors, poll: config.poll, cpuGate: cpuGate, logger: logger)
        }
        // The targets first (their secrets registered before anything renders), then the server: a TLS setting it
        // refuses ends the start before any poll.
        var targets: [TargetPoller] = []
        try applier.apply(config.targets) { swap in targets = swap([]) }
        let router = ExporterServer.makeRouter(cache: cache, processMetrics: ProcessMetrics(),
                                               telemetryPath: config.telemetryPath, basicAuth: basicAuth,
                                               configPage: configPage)
        let app = try ExporterServer.makeApplication(router: router, listenAddress: config.listenAddress,
                                                     tls: config.webConfig?.tls, logger: logger, onListening: onListening)
        let renderer = InventoryRenderer(options: .init(keyInfo: config.keyInfo, pollInterval: config.pollInterval,
                                                        shard: config.poll.shard))
        let reloadStatus = config.configFile.map { _ in ConfigReloadStatus() }
        let publisher = ExpositionPublisher(renderer: renderer, cache: cache, reloadStatus: reloadStatus)
        let poller = Poller(targets: targets, interval: config.pollInterval, publisher: publisher, logger: logger)
        let reloader = config.configFile.flatMap { configFile in
            reloadStatus.map { status in
                ConfigReloader(path: configFile, applier: applier, poller: poller, status: status, logger: logger)
            }
        }
        let services: [any Service] = [PollerService(poller: poller), app,
                                       ConfigReloadService(reloader: reloader, logger: logger)]
        return Parts(poller: poller, cache: cache, services: services)
    }

    /// A target's poller, whose clients (one per worker) share one request counter, retry budget and, for a
    /// service account, one token cache. Its secrets must be registered first (`TargetApplier` does).
    public static func makeTargetPoller(_ target: TargetConfig, settings: CollectorSettings, poll: PollOptions,
                                        cpuGate: CPUGate, logger: Logger) -> TargetPoller {
        let requestCounter = RequestCounter()
        let retryBudget = RetryBudget()
        var tokens: ServiceAccountTokens?
        if case .serviceAccount(let account) = target.credentials {
            tokens = ServiceAccountTokens(credentials: account, options: target.transport, requestCounter: requestCounter)
        }
        return TargetPoller(name: target.name, orgSelection: target.orgSelection, requestCounter: requestCounter,
                            retryBudget: retryBudget, logger: logger, poll: poll, collectors: settings,
                            overrides: target.collectors,
                            identity: TargetIdentity(baseURL: target.baseURL, credentials: target.credentials)) {
            AtlasClient(baseURL: target.baseURL, credentials: target.credentials, tokens: tokens, options: target.transport,
                        requestCounter: requestCounter, retryBudget: retryBudget, cpuGate: cpuGate)
        }
    }
}
