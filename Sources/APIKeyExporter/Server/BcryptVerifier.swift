import CCrypt
import Crypto
import Dispatch
import Foundation
import Synchronization

/// Checks passwords against bcrypt hashes with the system's libcrypt (libxcrypt), which implements bcrypt.
///
/// bcrypt is slow on purpose (tens of milliseconds per check at cost 10), so a scrape every few seconds must not pay
/// it each time, and a stream of wrong passwords must not take every core: verified pairs are remembered (by a
/// SHA-256 of user and password, never the password itself), and checks run one at a time on their own queue.
public final class BcryptVerifier: Sendable {
    private let users: [String: String]
    private let verified = Mutex<Set<Data>>([])
    private let queue = DispatchQueue(label: "mongodb_apikey_exporter.bcrypt")
    private static let cacheLimit = 1024

    public init(users: [String: String]) {
        self.users = users
    }

    public static func isBcryptHash(_ text: String) -> Bool {
        (text.hasPrefix("$2a$") || text.hasPrefix("$2b$") || text.hasPrefix("$2y$")) && text.utf8.count == 60
    }

    /// Whether `password` is `user`'s. Never runs bcrypt on the Swift concurrency pool.
    public func verify(user: String, password: String) async -> Bool {
        guard let hash = users[user] else { return false }
        let key = Data(SHA256.hash(data: Data("\(user)\u{0}\(password)".utf8)))
        if verified.withLock({ $0.contains(key) }) { return true }
        let matches = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Self.crypt(password, setting: hash) == hash) }
        }
        if matches {
            verified.withLock { cache in
                if cache.count >= Self.cacheLimit { cache.removeAll() }
                cache.insert(key)
            }
        }
        return matches
    }

    /// `crypt_r(3)` with its large state on the heap; nil when libcrypt refuses the setting.
    static func crypt(_ password: String, setting: String) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let result = crypt_r(password, setting, data) else { return nil }
        let text = String(cString: result)
        return text.hasPrefix("*") ? nil : text  // libxcrypt's failure tokens start with '*'
    }
}
