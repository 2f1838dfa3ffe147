#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Reloads `--config.file` on SIGHUP. A file that fails to load changes nothing: the running targets go on and
/// `mongodb_apikey_exporter_config_last_reload_successful` turns 0. The targets are put into effect by the same
/// `TargetApplier` as at start; those whose settings did not change keep their poller, so their baselines and
/// counters survive the reload.
final class ConfigReloader: Sendable {
    private let path: String
    private let applier: TargetApplier
    private let poller: Poller
    private let logger: Logger
    let status: ConfigReloadStatus

    init(path: String, applier: TargetApplier, poller: Poller, status: ConfigReloadStatus, logger: Logger) {
        self.path = path
        self.applier = applier
        self.poller = poller
        self.logger = logger
        self.status = status
        record(succeeded: true)
    }

    func reload() {
        let targets: [TargetConfig]
        do {
            targets = try ConfigFile.load(path: path, environment: ProcessInfo.processInfo.environment)
        } catch {
            record(succeeded: false)
            logger.error("configuration reload failed; keeping the running configuration", metadata: ["err": "\(error)"])
            return
        }
        let poller = poller
        let applied: Bool
        do {
            applied = try applier.apply(targets, install: { swap in poller.replaceTargets(swap) })
        } catch {
            record(succeeded: false)
            logger.error("configuration reload failed; keeping the running configuration", metadata: ["err": "\(error)"])
            return
        }
        guard applied else {
            // A signal storm, or a reload without an edit: nothing to replace, so no cycle and no render (unless the
            // last reload had failed, in which case the status turns good again).
            if status.current.lastReloadSucceeded != true { record(succeeded: true) }
            logger.info("configuration file unchanged; nothing to reload")
            return
        }
        record(succeeded: true)
        logger.info("configuration reloaded", metadata: ["targets": "\(targets.map(\.name).joined(separator: ","))"])
    }

    /// Records the outcome and renders it at once (a failed reload starts no cycle).
    private func record(succeeded: Bool) {
        status.record(succeeded: succeeded)
        poller.republish()
    }
}
