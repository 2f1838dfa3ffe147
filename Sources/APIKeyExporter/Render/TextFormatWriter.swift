/// Writes Prometheus text format 0.0.4 or OpenMetrics 1.0, escaping exactly as the format requires. The two differ
/// only in counter family names, HELP escaping of quotes and the closing `# EOF`, which the server appends after
/// the last family.
///
/// Label values escape `\`, `"` and line feed; HELP text escapes `\` and line feed. Everything else, UTF-8 included,
/// is written as it is.
///
/// Made for the per-key families, which write hundreds of thousands of lines per cycle: bytes go into a chunk the
/// writer owns (no uniqueness or exclusivity checks per append), and with a `sink` the chunk is handed over and
/// reused every `chunkSize` bytes, so that a render never holds the whole text (the cache keeps it deflated).
/// Without a sink everything stays in the chunk, for `bytes` (tests and small outputs). A writer is written through
/// one `inout` at a time; two copies of one would share the chunk.
public struct TextFormatWriter {
    public enum MetricType: String, Sendable {
        case gauge, counter
    }

    public let format: ExpositionFormat
    private var storage: ChunkStorage
    private var count = 0
    /// Bytes handed to the sink so far.
    private var flushed = 0
    private let sink: ((UnsafeRawBufferPointer) -> Void)?
    private let chunkSize: Int

    /// Keeps everything written, for `bytes`.
    public init(capacity: Int = 0, format: ExpositionFormat = .text) {
        self.format = format
        storage = ChunkStorage(capacity: max(capacity, 256))
        sink = nil
        chunkSize = .max
    }

    /// Hands what is written to `sink` in pieces of about `chunkSize` bytes (always whole lines); call `finish()`
    /// at the end for the last piece.
    public init(format: ExpositionFormat = .text, chunkSize: Int = 1 << 16, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.format = format
        self.chunkSize = max(chunkSize, 256)
        storage = ChunkStorage(capacity: self.chunkSize + 1024)
        self.sink = sink
    }

    /// Everything written (without a sink), or what is not yet handed over (with one).
    public var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: storage.base, count: count)) }

    /// Hands the rest to the sink.
    public mutating func finish() {
        guard let sink, count > 0 else { return }
        sink(UnsafeRawBufferPointer(start: storage.base, count: count))
        flushed += count
        count = 0
    }

    /// Writes the `# HELP` and `# TYPE` lines of a family. In OpenMetrics a counter family is named without the
    /// `_total` its samples carry.
    public mutating func family(_ name: String, type: MetricType, help: String) {
        flushIfFull()
        var familyName = Substring(name)
        if format == .openMetrics, type == .counter, name.hasSuffix("_total") {
            familyName = familyName.dropLast(6)
        }
        write("# HELP ")
        write(familyName)
        writeByte(UInt8(ascii: " "))
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): write("\\\\")
            case UInt8(ascii: "\n"): write("\\n")
            case UInt8(ascii: "\"") where format == .openMetrics: write("\\\"")
            default: writeByte(byte)
            }
        }
        write("\n# TYPE ")
        write(familyName)
        writeByte(UInt8(ascii: " "))
        write(type.rawValue)
        writeByte(UInt8(ascii: "\n"))
    }

    /// Writes one sample line. `labels` are written in the order given.
    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        flushIfFull()
        write(name)
        if !labels.isEmpty {
            writeByte(UInt8(ascii: "{"))
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { writeByte(UInt8(ascii: ",")) }
                write(label)
                write("=\"")
                writeEscapedLabelValue(labelValue)
                writeByte(UInt8(ascii: "\""))
            }
            writeByte(UInt8(ascii: "}"))
        }
        writeByte(UInt8(ascii: " "))
        writeValue(value)
        writeByte(UInt8(ascii: "\n"))
    }

    /// The start of a series, `name{label="value",…` without the closing brace, escaped once and then written
    /// whole by `sample(_:_:_:)`: the per-key families share their first labels (target, org) across every key.
    public struct SeriesPrefix {
        fileprivate let bytes: [UInt8]
        fileprivate let hasLabels: Bool
    }

    public func prefix(_ name: String, _ labels: [(String, String)]) -> SeriesPrefix {
        var writer = TextFormatWriter(capacity: 256, format: format)
        writer.write(name)
        writer.writeByte(UInt8(ascii: "{"))
        for (index, (label, labelValue)) in labels.enumerated() {
            if index > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.write(label)
            writer.write("=\"")
            writer.writeEscapedLabelValue(labelValue)
            writer.writeByte(UInt8(ascii: "\""))
        }
        return SeriesPrefix(bytes: writer.bytes, hasLabels: !labels.isEmpty)
    }

    /// One sample line: `prefix`, then the labels given, in order; the same bytes as `sample(name, all labels,
    /// value)`. One overload per label count, so that no array is made per line.
    public mutating func sample(_ prefix: SeriesPrefix, _ label: (String, some LabelValue), value: Double) {
        start(prefix)
        writeLabel(label, after: prefix)
        end(value)
    }

    public mutating func sample(_ prefix: SeriesPrefix, _ first: (String, some LabelValue), _ second: (String, some LabelValue),
                                value: Double) {
        start(prefix)
        writeLabel(first, after: prefix)
        writeLabel(second, after: nil)
        end(value)
    }

    public mutating func sample(_ prefix: SeriesPrefix, _ first: (String, some LabelValue), _ second: (String, some LabelValue),
                                _ third: (String, some LabelValue), value: Double) {
        start(prefix)
        writeLabel(first, after: prefix)
        writeLabel(second, after: nil)
        writeLabel(third, after: nil)
        end(value)
    }

    /// The same with `extra` labels after the three (owner labels, whose names the configuration gives).
    public mutating func sample(_ prefix: SeriesPrefix, _ first: (String, some LabelValue), _ second: (String, some LabelValue),
                                _ third: (String, some LabelValue), extra: [(String, String)], value: Double) {
        start(prefix)
        writeLabel(first, after: prefix)
        writeLabel(second, after: nil)
        writeLabel(third, after: nil)
        for label in extra { writeLabel(label, after: nil) }
        end(value)
    }

    @inline(__always)
    private mutating func start(_ prefix: SeriesPrefix) {
        flushIfFull()
        prefix.bytes.withUnsafeBytes { write($0) }
    }

    /// `,label="value"`, without the comma right after a prefix that has no label yet.
    @inline(__always)
    private mutating func writeLabel(_ label: (String, some LabelValue), after prefix: SeriesPrefix?) {
        if prefix?.hasLabels != false { writeByte(UInt8(ascii: ",")) }
        write(label.0)
        write("=\"")
        label.1.withLabelBytes { writeEscapedLabelValue($0) }
        writeByte(UInt8(ascii: "\""))
    }

    @inline(__always)
    private mutating func end(_ value: Double) {
        write("} ")
        writeValue(value)
        writeByte(UInt8(ascii: "\n"))
    }

    /// Writes a counter's sample and, in OpenMetrics, its `_created` sample: the Unix time the count started from
    /// zero, which lets a reader tell a counter that restarted from one that never moved.
    public mutating func counter(_ name: String, _ labels: [(String, String)], _ value: Double, created: Double?) {
        sample(name, labels, value)
        if format == .openMetrics, let created, name.hasSuffix("_total") {
            sample(String(name.dropLast(6)) + "_created", labels, created)
        }
    }

    /// A family of one unlabeled sample (the `process_*` block), its name written once.
    public mutating func unlabeled(_ name: String, type: MetricType, help: String, _ value: Double) {
        family(name, type: type, help: help)
        if type == .counter {
            counter(name, [], value, created: nil)
        } else {
            sample(name, [], value)
        }
    }

    /// The number of bytes written so far, to `truncate(to:)` later.
    var position: Int { flushed + count }

    /// Drops everything written after `position` (a family header that got no sample). The chunk is only handed
    /// over at the start of a family or sample, so what a family header wrote is still here until it gets one.
    mutating func truncate(to position: Int) {
        guard position >= flushed, position <= flushed + count else { return }
        count = position - flushed
    }

    // MARK: - Bytes

    /// Hands the chunk over once it holds `chunkSize` bytes; called only between lines.
    @inline(__always)
    private mutating func flushIfFull() {
        if count >= chunkSize, let sink {
            sink(UnsafeRawBufferPointer(start: storage.base, count: count))
            flushed += count
            count = 0
        }
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if extra > storage.capacity - count { grow(extra) }
    }

    /// A line longer than the chunk (a very long description) makes the chunk bigger; nothing is ever cut.
    private mutating func grow(_ extra: Int) {
        let (needed, overflow) = count.addingReportingOverflow(extra)
        precondition(!overflow, "exposition chunk size overflow")
        let bigger = ChunkStorage(capacity: max(needed, storage.capacity * 2))
        bigger.base.update(from: storage.base, count: count)
        storage = bigger
    }

    @inline(__always)
    private mutating func writeByte(_ byte: UInt8) {
        reserve(1)
        storage.base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (storage.base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    private mutating func write(_ text: some StringProtocol) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { write(UnsafeRawBufferPointer($0)) }
        if copied == nil {
            for byte in text.utf8 { writeByte(byte) }
        }
    }

    private mutating func writeEscapedLabelValue(_ value: String) {
        value.withLabelBytes { writeEscapedLabelValue($0) }
    }

    /// Nearly every value needs no escape: those are copied whole, the rest byte by byte.
    private mutating func writeEscapedLabelValue(_ utf8: UnsafeRawBufferPointer) {
        var clean = true
        for byte in utf8 where Self.needsEscape(byte) {
            clean = false
            break
        }
        if clean {
            write(utf8)
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\\"): write("\\\\")
            case UInt8(ascii: "\""): write("\\\"")
            case UInt8(ascii: "\n"): write("\\n")
            default: writeByte(byte)
            }
        }
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n")
    }

    /// Integers (nearly every value: 1, counts, Unix seconds) are written digit by digit, with no String made;
    /// other values as `formatValue` writes them.
    @inline(__always)
    private mutating func writeValue(_ value: Double) {
        if value == value.rounded(), abs(value) < 1e15 {
            writeInteger(Int64(value))
        } else {
            write(Self.formatValue(value))
        }
    }

    private mutating func writeInteger(_ value: Int64) {
        reserve(20)
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        if value < 0 {
            storage.base[count] = UInt8(ascii: "-")
            count += 1
        }
        var index = count + digits - 1
        for _ in 0..<digits {
            storage.base[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
            index -= 1
        }
        count += digits
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
