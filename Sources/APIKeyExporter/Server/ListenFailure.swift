#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Tells a failure to listen (the port is taken, the address is not this host's, a privileged port) from other
/// server errors, so that the command can report it as a bad `--web.listen-address` (exit 2, one line).
public enum ListenFailure {
    /// The reason in words when `error` is a failure to bind, else nil.
    public static func reason(_ error: any Error) -> String? {
        if let error = error as? SocketAddressError.UnknownHost {
            return "no such host \"\(error.host)\""
        }
        guard let error = error as? IOError else { return nil }
        let code = error.errnoCode
        switch code {
        case EADDRINUSE, EADDRNOTAVAIL, EACCES, EAFNOSUPPORT:
            return String(cString: strerror(code))
        case EINVAL where "\(error)".hasPrefix("bind("):
            // What bind(2) says of an IPv6 link-local address without its interface (`[fe80::1]:10025`). EINVAL
            // from anything but bind is not a setting, so the function name is checked.
            return "\(String(cString: strerror(code))) (not an address this host can listen on; a link-local "
                + "IPv6 address needs its interface, as in [fe80::1%eth0])"
        case ENODEV where "\(error)".hasPrefix("bind("):
            // A link-local address with an interface this host does not have.
            return String(cString: strerror(code))
        default:
            return nil
        }
    }
}
