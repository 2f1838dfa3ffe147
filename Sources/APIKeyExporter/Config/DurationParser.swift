/// Parses durations the way Prometheus flags spell them: `500ms`, `30s`, `5m`, `1h30m`, `1d`.
///
/// Never traps: a number or a sum too large for 64 bits is simply not a duration (nil), and so is text longer than
/// any sensible duration.
public enum DurationParser {
    /// Longer text is refused without being read.
    static let maxLength = 64

    public static func parse(_ text: String) -> Duration? {
        guard !text.isEmpty, text.utf8.count <= maxLength else { return nil }
        var totalMilliseconds: Int64 = 0
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let millisecondsPerUnit: Int64
            switch unit {
            case "ms": millisecondsPerUnit = 1
            case "s": millisecondsPerUnit = 1000
            case "m": millisecondsPerUnit = 60_000
            case "h": millisecondsPerUnit = 3_600_000
            case "d": millisecondsPerUnit = 86_400_000
            default: return nil
            }
            let (part, overflow) = number.multipliedReportingOverflow(by: millisecondsPerUnit)
            guard !overflow else { return nil }
            let (sum, sumOverflow) = totalMilliseconds.addingReportingOverflow(part)
            guard !sumOverflow else { return nil }
            totalMilliseconds = sum
        }
        return .milliseconds(totalMilliseconds)
    }
}

/// The ranges durations must fall in: long enough to make sense, short enough that no arithmetic on them can
/// overflow (the poller adds intervals to clock readings; libcurl takes milliseconds as a C long).
public enum DurationRange {
    /// `--poll.interval`.
    public static let interval: ClosedRange<Duration> = .seconds(1) ... .seconds(30 * 86_400)
    /// `--atlas.timeout` and `--atlas.connect-timeout` (and `timeout`, `connect_timeout` in the config file).
    public static let timeout: ClosedRange<Duration> = .milliseconds(100) ... .seconds(3_600)

    /// `1s … 30d` for messages.
    static func describe(_ range: ClosedRange<Duration>) -> String {
        "\(words(range.lowerBound)) and \(words(range.upperBound))"
    }

    private static func words(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 86_400_000 == 0 { return "\(milliseconds / 86_400_000)d" }
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
