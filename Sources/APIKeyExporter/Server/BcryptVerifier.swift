import CCrypt
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Checks passwords against bcrypt hashes with the system's libcrypt (libxcrypt), which implements bcrypt.
///
/// bcrypt is slow on purpose (tens of milliseconds per check at cost 10), so a scrape every few seconds must not pay
/// it each time, and a stream of wrong passwords must not take every core: verified pairs are remembered (by a
/// SHA-256 of user and password, never the password itself), and checks run one at a time in a bounded
/// ``BcryptQueue``.
///
/// It must not help a prober either: an unknown user costs a bcrypt check at the users' highest cost, like a wrong
/// password, so user names cannot be told apart by timing; and a password holding a NUL byte is refused, because
/// libcrypt reads a C string and would check only what comes before the NUL.
public final class BcryptVerifier: Sendable {
    public enum Verdict: Sendable, Equatable {
        case accepted
        case rejected
        /// Too many checks are waiting; nothing was checked.
        case busy
    }

    private let users: [String: String]
    /// A bcrypt setting (prefix, cost, random salt) at the highest cost among the users' hashes, to check unknown
    /// users against; nil only if libcrypt cannot make one.
    private let dummySetting: String?
    private let verified = Mutex<Set<Data>>([])
    private let queue: BcryptQueue
    private static let cacheLimit = 1024

    public convenience init(users: [String: String]) {
        self.init(users: users, queue: BcryptQueue())
    }

    init(users: [String: String], queue: BcryptQueue) {
        self.users = users
        self.queue = queue
        let cost = users.values.compactMap(Self.cost).max() ?? 10
        dummySetting = Self.setting(cost: cost)
    }

    public static func isBcryptHash(_ text: String) -> Bool {
        (text.hasPrefix("$2a$") || text.hasPrefix("$2b$") || text.hasPrefix("$2y$")) && text.utf8.count == 60
    }

    /// Whether `password` is `user`'s. Never runs bcrypt on the Swift concurrency pool.
    public func verify(user: String, password: String) async -> Bool {
        await verify(user: user, password: password, lane: .fresh) == .accepted
    }

    /// Whether `password` is `user`'s, checked in `lane` (see ``BcryptQueue``), or `.busy` if that lane is full.
    func verify(user: String, password: String, lane: BcryptQueue.Lane) async -> Verdict {
        guard !password.utf8.contains(0), !user.utf8.contains(0) else { return .rejected }
        let key = Data(SHA256.hash(data: Data("\(user)\u{0}\(password)".utf8)))
        if verified.withLock({ $0.contains(key) }) { return .accepted }
        let hash = users[user]
        guard let setting = hash ?? dummySetting else { return .rejected }
        let matched = await queue.run(lane) {
            let result = Self.crypt(password, setting: setting)
            return hash != nil && result == hash
        }
        guard let matched else { return .busy }
        guard matched else { return .rejected }
        verified.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache.insert(key)
        }
        return .accepted
    }

    /// The cost of a bcrypt hash (`$2b$10$…` → 10), if it has a valid one.
    static func cost(_ hash: String) -> Int? {
        let digits = hash.utf8.dropFirst(4).prefix(2)
        guard digits.count == 2, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let cost = Int(String(decoding: digits, as: UTF8.self)), (4...31).contains(cost)
        else { return nil }
        return cost
    }

    /// A fresh `$2b$` setting with a random salt from libcrypt (`crypt_gensalt_rn` with no random bytes given reads
    /// the system's random source).
    static func setting(cost: Int) -> String? {
        var output = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        guard crypt_gensalt_rn("$2b$", UInt(cost), nil, 0, &output, Int32(output.count)) != nil else { return nil }
        let text = String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.hasPrefix("$2b$") ? text : nil
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
