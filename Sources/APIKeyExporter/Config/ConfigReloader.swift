import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Reloads `--config.file` on SIGHUP. A file that fails to load changes nothing: the running targets go on and
/// `mongodb_apikey_exporter_config_last_reload_successful` turns 0. Targets whose settings did not change keep
/// their poller, so their baselines and counters survive the reload.
public final class ConfigReloader: Sendable {
    private let path: String
    private let poller: Poller
    private let collectors: CollectorOptions
    private let logger: Logger
    private let running: Mutex<[TargetConfig]>

    public init(path: String, running: [TargetConfig], poller: Poller, collectors: CollectorOptions, logger: Logger) {
        self.path = path
        self.poller = poller
        self.collectors = collectors
        self.logger = logger
        self.running = Mutex(running)
        poller.recordReload(succeeded: true)
    }

    public func reload() {
        let targets: [TargetConfig]
        do {
            targets = try ConfigFile.load(path: path, environment: ProcessInfo.processInfo.environment)
        } catch {
            poller.recordReload(succeeded: false)
            logger.error("configuration reload failed; keeping the running configuration", metadata: ["err": "\(error)"])
            return
        }
        let previous = running.withLock { running in
            defer { running = targets }
            return running
        }
        guard targets != previous else {
            // A signal storm, or a reload without an edit: nothing to replace, so no cycle and no render (unless the
            // last reload had failed, in which case the status turns good again).
            if poller.lastReloadSucceeded != true { poller.recordReload(succeeded: true) }
            logger.info("configuration file unchanged; nothing to reload")
            return
        }
        let collectors = collectors
        let logger = logger
        poller.replaceTargets { current in
            targets.map { target in
                if previous.contains(target), let kept = current.first(where: { $0.name == target.name }) {
                    return kept
                }
                return ExporterAssembly.makeTargetPoller(target, collectors: collectors, logger: logger)
            }
        }
        poller.recordReload(succeeded: true)
        logger.info("configuration reloaded", metadata: ["targets": "\(targets.map(\.name).joined(separator: ","))"])
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
