#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

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
