import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The outcome of loading `--config.file`, at start and on each SIGHUP: written by the reloader, rendered with
/// every exposition (`mongodb_apikey_exporter_config_last_reload_successful`).
public final class ConfigReloadStatus: Sendable {
    private let status = Mutex(ReloadStatus())

    public init() {}

    public var current: ReloadStatus {
        status.withLock { $0 }
    }

    func record(succeeded: Bool) {
        status.withLock { status in
            status.lastReloadSucceeded = succeeded
            if succeeded { status.lastSuccessTime = Date().timeIntervalSince1970 }
        }
    }
}

/// Reloads `--config.file` on SIGHUP. A file that fails to load changes nothing: the running targets go on and
/// `mongodb_apikey_exporter_config_last_reload_successful` turns 0. Targets whose settings did not change keep
/// their poller, so their baselines and counters survive the reload.
public final class ConfigReloader: Sendable {
    private let path: String
    private let poller: Poller
    private let makeTargetPoller: @Sendable (TargetConfig) -> TargetPoller
    private let onTargetsReplaced: @Sendable ([TargetConfig]) -> Void
    private let logger: Logger
    private let running: Mutex<[TargetConfig]>
    public let status: ConfigReloadStatus

    /// `makeTargetPoller` builds the poller of a new or changed target (the composition root's recipe);
    /// `onTargetsReplaced` is told the targets in effect after a reload that changed them (`/config` shows them).
    public init(path: String, running: [TargetConfig], poller: Poller, status: ConfigReloadStatus, logger: Logger,
                onTargetsReplaced: @escaping @Sendable ([TargetConfig]) -> Void,
                makeTargetPoller: @escaping @Sendable (TargetConfig) -> TargetPoller) {
        self.path = path
        self.poller = poller
        self.makeTargetPoller = makeTargetPoller
        self.onTargetsReplaced = onTargetsReplaced
        self.logger = logger
        self.running = Mutex(running)
        self.status = status
        record(succeeded: true)
    }

    public func reload() {
        let targets: [TargetConfig]
        do {
            targets = try ConfigFile.load(path: path, environment: ProcessInfo.processInfo.environment)
        } catch {
            record(succeeded: false)
            logger.error("configuration reload failed; keeping the running configuration", metadata: ["err": "\(error)"])
            return
        }
        // Before anything renders or logs them: the new targets' pollers (which register them too) are built on the
        // poll queue, later, and /config is rendered below, now.
        for target in targets { SecretRedactor.shared.register(target.credentials) }
        let previous = running.withLock { running in
            defer { running = targets }
            return running
        }
        guard targets != previous else {
            // A signal storm, or a reload without an edit: nothing to replace, so no cycle and no render (unless the
            // last reload had failed, in which case the status turns good again).
            if status.current.lastReloadSucceeded != true { record(succeeded: true) }
            logger.info("configuration file unchanged; nothing to reload")
            return
        }
        let makeTargetPoller = makeTargetPoller
        poller.replaceTargets { current in
            targets.map { target in
                if previous.contains(target), let kept = current.first(where: { $0.name == target.name }) {
                    return kept
                }
                return makeTargetPoller(target)
            }
        }
        onTargetsReplaced(targets)
        record(succeeded: true)
        logger.info("configuration reloaded", metadata: ["targets": "\(targets.map(\.name).joined(separator: ","))"])
    }

    /// Records the outcome and renders it at once (a failed reload starts no cycle).
    private func record(succeeded: Bool) {
        status.record(succeeded: succeeded)
        poller.republish()
    }
}

/// Handles SIGHUP until the service group shuts down: reloads `--config.file`, or, without one, logs that there is
/// nothing to reload (SIGHUP's default action would end the process, and a reload must never stop the exporter).
///
/// Reloads run one at a time, in this loop; signals that arrive during one are coalesced into the next.
public struct ConfigReloadService: Service {
    let reloader: ConfigReloader?
    let logger: Logger

    public init(reloader: ConfigReloader?, logger: Logger) {
        self.reloader = reloader
        self.logger = logger
    }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            if let reloader {
                reloader.reload()
            } else {
                logger.info("SIGHUP: no configuration file to reload (start with --config.file to reload targets)")
            }
        }
    }
}
