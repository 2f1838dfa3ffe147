import Logging
import ServiceLifecycle
import UnixSignals

/// Handles SIGHUP until the service group shuts down: reloads `--config.file`, or, without one, logs that there is
/// nothing to reload (SIGHUP's default action would end the process, and a reload must never stop the exporter).
///
/// Reloads run one at a time, in this loop; signals that arrive during one are coalesced into the next.
public struct ConfigReloadService: Service {
    let reloader: ConfigReloader?
    let logger: Logger

    init(reloader: ConfigReloader?, logger: Logger) {
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
