import AtlasSimulator

/// Text that looks a little like a setting, or not at all: huge numbers, units, signs, separators, control
/// characters, non-ASCII.
public enum RandomText {
    static let pieces = ["0", "1", "9", "99999999999999999999", "9223372036854775807", "-", "+", ".", ":", "[", "]", "::1",
                         "ms", "s", "m", "h", "d", "y", " ", "\n", "\r", "\u{0}", "\u{1b}", "\u{2028}", "é", "🙂", "\"", "'",
                         "http://", "https://", "ftp://", "127.0.0.1", "localhost", "/", "?", "#", "%", "%2e%2e", "..", "@",
                         "x", "ABCDEF", "0x1F", "1e9", "NaN", "inf", "${UNSET}", "$", "{", "}"]

    public static func make(_ random: inout SeededGenerator) -> String {
        let count = Int.random(in: 0...8, using: &random)
        return (0..<count).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
    }
}
