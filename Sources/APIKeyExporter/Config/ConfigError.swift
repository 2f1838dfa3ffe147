/// A setting that is missing or invalid; `description` is the one line printed before exiting.
///
/// The line stays one line and stays short whatever was given: control characters are escaped, and a quoted
/// value longer than `quotedValueLimit` characters is cut (a 50 MB value in a config file must not become a 50 MB
/// error line).
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    /// The flag or environment variable at fault, e.g. `--poll.interval`.
    public var field: String
    public var message: String

    /// Characters of a quoted value kept in a message.
    public static let quotedValueLimit = 200
    /// Characters of a whole message kept, whatever it holds.
    public static let messageLimit = 2000

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String {
        Self.oneLine(Self.quoteLimited(field, limit: Self.quotedValueLimit) + ": " + Self.quoteLimited(message, limit: Self.quotedValueLimit))
    }

    /// `text` with every `"…"` run longer than `limit` characters cut to `limit` and marked with `…`.
    public static func quoteLimited(_ text: String, limit: Int) -> String {
        var out = ""
        var inQuotes = false
        var kept = 0
        for character in text {
            if character == "\"" {
                if inQuotes, kept > limit { out += "…" }
                out.append(character)
                inQuotes.toggle()
                kept = 0
            } else if !inQuotes {
                out.append(character)
            } else {
                kept += 1
                if kept <= limit { out.append(character) }
            }
        }
        if inQuotes, kept > limit { out += "…" }
        return out
    }

    /// Control characters escaped (`\n`, `\u001b`), and at most `messageLimit` characters.
    static func oneLine(_ text: String) -> String {
        var out = ""
        var written = 0
        for scalar in text.unicodeScalars {
            if written >= messageLimit {
                out += "…"
                break
            }
            written += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where LineLogHandler.isControl(scalar):
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
