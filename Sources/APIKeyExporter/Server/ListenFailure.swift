#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Tells a failure to listen (the port is taken, the address is not this host's, a privileged port) from other
/// server errors, so that the command can report it as a bad `--web.listen-address` (exit 2, one line).
public enum ListenFailure {
    /// The reason in words when `error` is a failure to bind, else nil.
    public static func reason(_ error: any Error) -> String? {
        guard let error = error as? IOError else { return nil }
        switch error.errnoCode {
        case EADDRINUSE, EADDRNOTAVAIL, EACCES, EAFNOSUPPORT:
            return String(cString: strerror(error.errnoCode))
        default:
            return nil
        }
    }
}
