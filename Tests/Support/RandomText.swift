/// SplitMix64: reproducible from its seed, so a failure can be replayed.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Text that looks a little like a setting, or not at all: huge numbers, units, signs, separators, control
/// characters, non-ASCII.
public enum RandomText {
    static let pieces = ["0", "1", "9", "99999999999999999999", "9223372036854775807", "-", "+", ".", ":", "[", "]", "::1",
                         "ms", "s", "m", "h", "d", "y", " ", "\n", "\r", "\u{0}", "\u{1b}", "\u{2028}", "é", "🙂", "\"", "'",
                         "http://", "https://", "ftp://", "127.0.0.1", "localhost", "/", "?", "#", "%", "%2e%2e", "..", "@",
                         "x", "ABCDEF", "0x1F", "1e9", "NaN", "inf", "${UNSET}", "$", "{", "}"]

    public static func make(_ random: inout SplitMix64) -> String {
        let count = Int.random(in: 0...8, using: &random)
        return (0..<count).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
    }
}
