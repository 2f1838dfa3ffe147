import Logging
import Synchronization

/// Puts a set of targets into effect, at start and on every reload alike, in one order: with `--storage.path`, each
/// target's lock in it is taken (see `StorageLocks`), their secrets are registered for redaction (before anything
/// can render or log them), `/config` is rendered with them, then the pollers of new or changed targets are built
/// and swapped in. A target whose settings did not change keeps its poller, with its baselines and counters.
final class TargetApplier: Sendable {
    /// Builds the new pollers from the current ones; the caller runs it where the pollers live.
    typealias Swap = @Sendable ([TargetPoller]) -> [TargetPoller]

    private let configPage: ConfigPageSource
    private let storagePath: String?
    private let logger: Logger
    private let makeTargetPoller: @Sendable (TargetConfig) -> TargetPoller
    /// The targets in effect; nil before the first `apply`.
    private let running = Mutex<[TargetConfig]?>(nil)

    init(configPage: ConfigPageSource, storagePath: String? = nil, logger: Logger = Logger(label: "mongodb_apikey_exporter"),
         makeTargetPoller: @escaping @Sendable (TargetConfig) -> TargetPoller) {
        self.configPage = configPage
        self.storagePath = storagePath
        self.logger = logger
        self.makeTargetPoller = makeTargetPoller
    }

    /// Applies `targets`, handing the swap of pollers to `install`; false (and nothing done) when they are the
    /// targets already in effect. Throws, changing nothing, when another exporter holds a target's storage lock.
    @discardableResult
    func apply(_ targets: [TargetConfig], install: (@escaping Swap) -> Void) throws(ConfigError) -> Bool {
        let previous = running.withLock { $0 }
        guard targets != previous else { return false }
        if let storagePath {
            try StorageLocks.shared.lock(targets.map(\.name), in: storagePath, logger: logger)
        }
        running.withLock { $0 = targets }
        for target in targets { SecretRedactor.shared.register(target.credentials) }
        configPage.show(targets)
        let kept = previous ?? []
        let makeTargetPoller = makeTargetPoller
        install { current in
            targets.map { target in
                if kept.contains(target), let poller = current.first(where: { $0.name == target.name }) { return poller }
                return makeTargetPoller(target)
            }
        }
        return true
    }
}
