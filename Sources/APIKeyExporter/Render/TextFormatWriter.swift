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

import NIOCore

/// Appends Prometheus text format 0.0.4 or OpenMetrics 1.0 to a byte buffer, escaping exactly as the format
/// requires. The two differ only in counter family names, HELP escaping of quotes and the closing `# EOF`,
/// which the server appends after the last family.
///
/// Label values escape `\`, `"` and line feed; HELP text escapes `\` and line feed. Everything else,
/// UTF-8 included, is written as it is. The buffer is a NIO `ByteBuffer`, so what is rendered is served as it is,
/// without a copy of what can be tens of megabytes.
public struct TextFormatWriter {
    public enum MetricType: String, Sendable {
        case gauge, counter
    }

    public private(set) var buffer: ByteBuffer
    public let format: ExpositionFormat

    public init(capacity: Int = 0, format: ExpositionFormat = .text) {
        self.format = format
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// What was written, as an array (for tests and small outputs).
    public var bytes: [UInt8] { Array(buffer.readableBytesView) }

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
            default: buffer.writeInteger(byte)
            }
        }
        append("\n# TYPE ")
        append(String(familyName))
        append(" ")
        append(type.rawValue)
        append("\n")
    }

    /// Writes one sample line. `labels` are written in the order given. Inlined so that the label array literal
    /// of each call can live on the stack: the per-key families write hundreds of thousands of samples.
    @inline(__always)
    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        append(name)
        if !labels.isEmpty {
            buffer.writeInteger(UInt8(ascii: "{"))
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                append(label)
                append("=\"")
                appendEscapedLabelValue(labelValue)
                buffer.writeInteger(UInt8(ascii: "\""))
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
        buffer.writeInteger(UInt8(ascii: " "))
        append(Self.formatValue(value))
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// Writes a counter's sample and, in OpenMetrics, its `_created` sample: the Unix time the count started from
    /// zero, which lets a reader tell a counter that restarted from one that never moved.
    public mutating func counter(_ name: String, _ labels: [(String, String)], _ value: Double, created: Double?) {
        sample(name, labels, value)
        if format == .openMetrics, let created, name.hasSuffix("_total") {
            sample(String(name.dropLast(6)) + "_created", labels, created)
        }
    }

    /// Nearly every value needs no escape: those are copied whole, the rest byte by byte.
    /// A family of one unlabeled sample (the `process_*` block), its name written once.
    public mutating func unlabeled(_ name: String, type: MetricType, help: String, _ value: Double) {
        family(name, type: type, help: help)
        if type == .counter {
            counter(name, [], value, created: nil)
        } else {
            sample(name, [], value)
        }
    }

    private mutating func appendEscapedLabelValue(_ value: String) {
        let copied = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where Self.needsEscape(byte) { return false }
            buffer.writeBytes(utf8)
            return true
        }
        if copied == true { return }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\n"): append("\\n")
            default: buffer.writeInteger(byte)
            }
        }
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n")
    }

    /// The number of bytes written so far, to `truncate(to:)` later.
    var position: Int { buffer.writerIndex }

    /// Drops everything written after `position` (a family header that got no sample).
    mutating func truncate(to position: Int) {
        buffer.moveWriterIndex(to: position)
    }

    private mutating func append(_ text: String) {
        buffer.writeString(text)
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
