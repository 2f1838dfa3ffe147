import Foundation
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
        // Secrets are registered before anything is rendered, so that the pages can redact them wherever they appear.
        for target in config.targets { SecretRedactor.shared.register(target.credentials) }
        let configPage = ConfigPageSource(config)
        let router = ExporterServer.makeRouter(cache: cache, processMetrics: ProcessMetrics(),
                                               telemetryPath: config.telemetryPath, basicAuth: basicAuth,
                                               configPage: configPage)
        // The server first: a TLS setting it refuses ends the start before any poller exists.
        let app = try ExporterServer.makeApplication(router: router, listenAddress: config.listenAddress,
                                                     tls: config.webConfig?.tls, logger: logger, onListening: onListening)
        let collectors = config.collectors
        // One gate for the process: every target's and every org's page decoding shares the same cores.
        let cpuGate = CPUGate(width: max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
        let targets = config.targets.map { makeTargetPoller($0, collectors: collectors, cpuGate: cpuGate, logger: logger) }
        let renderer = InventoryRenderer(options: .init(keyInfo: config.keyInfo, pollInterval: config.pollInterval,
                                                        shard: collectors.shard))
        let reloadStatus = config.configFile.map { _ in ConfigReloadStatus() }
        let publisher = ExpositionPublisher(renderer: renderer, cache: cache, reloadStatus: reloadStatus)
        let poller = Poller(targets: targets, interval: config.pollInterval, publisher: publisher, logger: logger)
        var services: [any Service] = [PollerService(poller: poller), app]
        let reloader = config.configFile.flatMap { configFile in
            reloadStatus.map { status in
                ConfigReloader(path: configFile, running: config.targets, poller: poller, status: status, logger: logger,
                               onTargetsReplaced: configPage.targetsReloaded) { target in
                    makeTargetPoller(target, collectors: collectors, cpuGate: cpuGate, logger: logger)
                }
            }
        }
        services.append(ConfigReloadService(reloader: reloader, logger: logger))
        return Parts(poller: poller, cache: cache, services: services)
    }

    /// A target's poller, whose clients (one per worker) share one request counter, retry budget and, for a
    /// service account, one token cache.
    public static func makeTargetPoller(_ target: TargetConfig, collectors: CollectorOptions, cpuGate: CPUGate,
                                        logger: Logger) -> TargetPoller {
        SecretRedactor.shared.register(target.credentials)
        let requestCounter = RequestCounter()
        let retryBudget = RetryBudget()
        var tokens: ServiceAccountTokens?
        if case .serviceAccount(let account) = target.credentials {
            tokens = ServiceAccountTokens(credentials: account, options: target.transport, requestCounter: requestCounter)
        }
        var collectors = collectors
        if let serviceAccounts = target.serviceAccounts { collectors.serviceAccounts = serviceAccounts }
        if let activityFeed = target.activityFeed { collectors.activityFeed = activityFeed }
        return TargetPoller(name: target.name, orgSelection: target.orgSelection, requestCounter: requestCounter,
                            retryBudget: retryBudget, logger: logger, collectors: collectors,
                            identity: TargetIdentity(baseURL: target.baseURL, credentials: target.credentials)) {
            AtlasClient(baseURL: target.baseURL, credentials: target.credentials, tokens: tokens, options: target.transport,
                        requestCounter: requestCounter, retryBudget: retryBudget, cpuGate: cpuGate)
        }
    }
}
