/// Which organizations this replica owns when several replicas share the work (`--shard.count`, `--shard.index`).
///
/// An org belongs to shard `FNV-1a-64(org id as UTF-8) mod count`: stable across restarts, replicas and versions,
/// so every org is polled by exactly one replica and the union of all replicas' series is what one replica alone
/// would export.
public struct Shard: Sendable, Equatable {
    public var index: Int
    public var count: Int

    /// The whole inventory: one replica.
    public static let all = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public func owns(orgID: String) -> Bool {
        count == 1 || Int(Self.fnv1a64(orgID) % UInt64(count)) == index
    }

    /// FNV-1a, 64 bits: offset basis 0xcbf29ce484222325, prime 0x100000001b3, over the bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Validates `--shard.count` and `--shard.index` (a number, or `from-hostname` for a StatefulSet pod whose
    /// hostname ends in `-<ordinal>`).
    public static func parse(count: Int, index: String, hostname: String) throws(ConfigError) -> Shard {
        guard count >= 1 else {
            throw ConfigError(field: "--shard.count", "\(count) must be at least 1")
        }
        let parsed: Int
        if index == "from-hostname" {
            guard let dash = hostname.lastIndex(of: "-"), let ordinal = Int(hostname[hostname.index(after: dash)...]) else {
                throw ConfigError(field: "--shard.index", "from-hostname needs a hostname ending in -<ordinal>, not \"\(hostname)\"")
            }
            parsed = ordinal
        } else {
            guard let number = Int(index) else {
                throw ConfigError(field: "--shard.index", "\"\(index)\" is not a number or from-hostname")
            }
            parsed = number
        }
        guard (0..<count).contains(parsed) else {
            throw ConfigError(field: "--shard.index", "\(parsed) must be between 0 and --shard.count - 1 (\(count - 1))")
        }
        return Shard(index: parsed, count: count)
    }
}
