import Foundation
import Logging
import Synchronization

/// `--log.format`: how each log line is written to standard error.
public enum LogFormat: String, Sendable {
    case logfmt, json
}

/// Writes one line per event to standard error, as logfmt (`ts=... level=info msg="..." key=value`) or JSON,
/// like the Prometheus exporters written in Go.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let format: LogFormat
    private let sink: LogSink

    public init(format: LogFormat, level: Logger.Level, sink: LogSink = .standardError) {
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("ts", Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
            ("level", Self.name(of: event.level)),
            ("msg", event.message.description),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() {
            fields.append((key, "\(merged[key]!)"))
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

    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline || $0 == "\\" }
            guard needsQuotes else { return "\(key)=\(value)" }
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(escaped)\""
        }.joined(separator: " ")
    }

    static func json(_ fields: [(String, String)]) -> String {
        func quote(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        return "{" + fields.map { "\(quote($0.0)):\(quote($0.1))" }.joined(separator: ",") + "}"
    }
}

/// Where log lines go. Tests capture them to check that no secret is ever written.
public final class LogSink: Sendable {
    private let isCapturing: Bool
    private let lines = Mutex<[String]>([])

    private init(capturing: Bool) {
        isCapturing = capturing
    }

    public static let standardError = LogSink(capturing: false)

    public static func capturing() -> LogSink { LogSink(capturing: true) }

    func write(_ line: String) {
        if isCapturing {
            lines.withLock { $0.append(line) }
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    public var captured: [String] {
        lines.withLock { $0 }
    }
}
