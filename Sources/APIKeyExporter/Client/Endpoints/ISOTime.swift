#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Times as the Admin API writes them: ISO 8601 UTC, with or without fractional seconds.
public enum ISOTime {
    /// Unix seconds, fractions kept to the millisecond (the API's precision; the parser's binary rounding would
    /// otherwise print `.1929998` for `.193`); nil for nil or unreadable text.
    public static func seconds(_ text: String?) -> Double? {
        guard let text else { return nil }
        let parsed = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date(text, strategy: .iso8601))
        guard let seconds = parsed?.timeIntervalSince1970 else { return nil }
        return (seconds * 1000).rounded() / 1000
    }

    /// `seconds` as ISO 8601 UTC with milliseconds, as logs write event times.
    public static func format(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
