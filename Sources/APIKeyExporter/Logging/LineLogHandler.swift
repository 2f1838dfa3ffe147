#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `--log.format`: how each log line is written to standard error.
public enum LogFormat: String, Sendable {
    case logfmt, json
}

/// Writes one line per event to standard error, as logfmt (`ts=... level=info msg="..." key=value`) or JSON,
/// like the Prometheus exporters written in Go.
///
/// Every value passes through `SecretRedactor` (configured secrets, bearer tokens and anything shaped like an
/// `Authorization` header become `<redacted>`), and control characters are escaped: a key description or an error
/// body from the API can neither leak a credential nor forge a second log line.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let format: LogFormat
    private let sink: LogSink
    private let redactor: SecretRedactor

    public init(format: LogFormat, level: Logger.Level, sink: LogSink = .standardError, redactor: SecretRedactor = .shared) {
        self.format = format
        self.logLevel = level
        self.sink = sink
        self.redactor = redactor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("ts", Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
            ("level", Self.name(of: event.level)),
            ("msg", redactor.redact(event.message.description)),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append((key, redactor.redact("\(value)")))
        }
        sink.write(format == .json ? Self.json(fields) : Self.logfmt(fields))
    }

    static func name(of level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "debug"
        case .info, .notice: "info"
        case .warning: "warn"
        case .error, .critical: "error"
        }
    }

    /// Characters that end or fake a line in a terminal or a log viewer: C0 and C1 controls, DEL, and the Unicode
    /// line and paragraph separators.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// `text` quoted, with `"` and `\` escaped, `\n`, `\r`, `\t` by name and every other control character as
    /// `\u00XX` (as go-logfmt and JSON spell them).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(scalar):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            let needsQuotes = value.isEmpty || value.unicodeScalars.contains {
                $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || isControl($0)
            }
            return needsQuotes ? "\(key)=\(quoted(value))" : "\(key)=\(value)"
        }.joined(separator: " ")
    }

    static func json(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(quoted($0.0)):\(quoted($0.1))" }.joined(separator: ",") + "}"
    }
}
