/// The two exposition formats: Prometheus text 0.0.4 (the default) and OpenMetrics 1.0 (when asked for).
public enum ExpositionFormat: Sendable, CaseIterable {
    case text
    case openMetrics

    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// OpenMetrics when the scraper's Accept header offers it, as Prometheus does when configured to prefer it.
    public static func negotiate(accept: String?) -> ExpositionFormat {
        (accept ?? "").contains("application/openmetrics-text") ? .openMetrics : .text
    }
}

/// Appends Prometheus text format 0.0.4 or OpenMetrics 1.0 to a byte buffer, escaping exactly as the format
/// requires. The two differ only in counter family names, HELP escaping of quotes and the closing `# EOF`,
/// which the server appends after the last family.
///
/// Label values escape `\`, `"` and line feed; HELP text escapes `\` and line feed. Everything else,
/// UTF-8 included, is written as it is.
public struct TextFormatWriter {
    public enum MetricType: String, Sendable {
        case gauge, counter
    }

    public private(set) var bytes: [UInt8] = []
    public let format: ExpositionFormat

    public init(capacity: Int = 0, format: ExpositionFormat = .text) {
        self.format = format
        bytes.reserveCapacity(capacity)
    }

    /// Writes the `# HELP` and `# TYPE` lines of a family. In OpenMetrics a counter family is named without the
    /// `_total` its samples carry.
    public mutating func family(_ name: String, type: MetricType, help: String) {
        var familyName = Substring(name)
        if format == .openMetrics, type == .counter, name.hasSuffix("_total") {
            familyName = familyName.dropLast(6)
        }
        append("# HELP ")
        append(String(familyName))
        append(" ")
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\"") where format == .openMetrics: append("\\\"")
            default: bytes.append(byte)
            }
        }
        append("\n# TYPE ")
        append(String(familyName))
        append(" ")
        append(type.rawValue)
        append("\n")
    }

    /// Writes one sample line. `labels` are written in the order given.
    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        append(name)
        if !labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(label)
                append("=\"")
                appendEscapedLabelValue(labelValue)
                bytes.append(UInt8(ascii: "\""))
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: " "))
        append(Self.formatValue(value))
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func appendEscapedLabelValue(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\n"): append("\\n")
            default: bytes.append(byte)
            }
        }
    }

    /// The number of bytes written so far, to `truncate(to:)` later.
    var position: Int { bytes.count }

    /// Drops everything written after `position` (a family header that got no sample).
    mutating func truncate(to position: Int) {
        bytes.removeSubrange(position...)
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Integers print without a fraction; other values use Swift's shortest round-tripping form.
    static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}
