#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// One exporter per target and `--storage.path`: two processes saving the same target's state into one directory
/// would overwrite each other's baselines, and each would count the other's changes again after a restart. So each
/// target's lock file, `DIR/<target>.lock`, is locked (`flock`, exclusive) before its poller starts, and held until
/// the process exits: the kernel releases it then, even after SIGKILL, so a crash never leaves a stale lock. A
/// reload keeps every lock this process holds, and takes those of new targets.
final class StorageLocks: Sendable {
    static let shared = StorageLocks()

    /// Lock file path to its open descriptor, which holds the lock.
    private let held = Mutex<[String: Int32]>([:])

    /// Locks the lock file of each of `targets` in `directory` (those this process holds already are kept). When
    /// another process holds one, the error names `--storage.path` and that target, and none of the locks just
    /// taken is kept. A lock file that cannot be created (a read-only directory, where no state can be saved
    /// either) gives one warning, not an error.
    func lock(_ targets: [String], in directory: String, logger: Logger) throws(ConfigError) {
        try held.withLock { (held: inout [String: Int32]) throws(ConfigError) in
            var taken: [String] = []
            for target in targets {
                let path = StateFile.path(directory: directory, target: target, suffix: ".lock")
                guard held[path] == nil else { continue }
                switch Self.lockFile(path) {
                case .locked(let descriptor):
                    held[path] = descriptor
                    taken.append(path)
                case .heldElsewhere:
                    for path in taken { held.removeValue(forKey: path).map { _ = close($0) } }
                    throw ConfigError(field: "--storage.path", "\"\(directory)\": target \"\(target)\" is in use by another "
                                      + "running exporter (\"\(path)\" is locked); give each exporter its own directory")
                case .failed(let reason):
                    logger.warning("state directory not locked; another exporter could share it", metadata: [
                        "target": "\(target)", "file": "\(path)", "err": "\(reason)"])
                }
            }
        }
    }

    private enum Outcome {
        case locked(Int32)
        case heldElsewhere
        case failed(String)
    }

    private static func lockFile(_ path: String) -> Outcome {
        // A lock file left by an earlier run may be read-only to this one: flock needs no write access.
        var descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor < 0 { descriptor = open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { return .failed(String(cString: strerror(errno))) }
        var result: Int32
        repeat {
            result = flock(descriptor, LOCK_EX | LOCK_NB)
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let error = errno
            close(descriptor)
            return error == EWOULDBLOCK ? .heldElsewhere : .failed(String(cString: strerror(error)))
        }
        return .locked(descriptor)
    }
}
