#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport
import Synchronization

/// The standard `process_*` metrics of Prometheus client libraries, read from /proc/self at scrape time.
/// On a system without /proc the families are simply absent.
///
/// A reading is reused for `maxAge` (100 ms): under a load of scrapes, /proc is read ten times a second instead
/// of once per scrape, and every Prometheus still sees values no older than that.
public final class ProcessMetrics: Sendable {
    private let clockTicksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
    private let bootTime: Double?
    private let maxAge: Duration
    private let cached = Mutex<[ExpositionFormat: (ContinuousClock.Instant, [UInt8])]>([:])

    public init(maxAge: Duration = .milliseconds(100)) {
        bootTime = Self.readBootTime()
        self.maxAge = maxAge
    }

    /// The families, from a reading at most `maxAge` old.
    public func render(format: ExpositionFormat = .text) -> [UInt8] {
        let now = ContinuousClock.now
        if let (time, bytes) = cached.withLock({ $0[format] }), now - time < maxAge { return bytes }
        let bytes = read(format: format)
        cached.withLock { $0[format] = (now, bytes) }
        return bytes
    }

    /// Reads /proc and renders the families: two small file reads and a directory listing.
    private func read(format: ExpositionFormat) -> [UInt8] {
        var writer = TextFormatWriter(capacity: 1024, format: format)
        writer.put(.logWriteErrors, Double(LogSink.writeErrors))
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let fields = Self.statFields(stat)
        else { return writer.bytes }

        // Field numbers as in proc(5), counted from 1; `fields` starts at field 3 (state).
        func field(_ number: Int) -> Double { Double(fields[number - 3]) ?? 0 }
        writer.put(.cpuSeconds, (field(14) + field(15)) / clockTicksPerSecond)
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            writer.put(.maxFDs, Double(limit.rlim_cur))
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            writer.put(.openFDs, Double(entries.count))
        }
        writer.put(.residentMemory, field(24) * pageSize)
        if let bootTime {
            writer.put(.startTime, bootTime + field(22) / clockTicksPerSecond)
        }
        writer.put(.virtualMemory, field(23))
        return writer.bytes
    }

    /// The fields after `comm`, which is parenthesised and may itself contain spaces and parentheses.
    static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count >= 22 ? fields : nil
    }

    private static func readBootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingWhitespace())
        }
        return nil
    }
}

/// The families `ProcessMetrics` renders, declared once for the renderer and for docs/metrics.md.
enum ProcessFamily: String, CaseIterable {
    case logWriteErrors = "mongodb_apikey_exporter_log_write_errors_total"
    case cpuSeconds = "process_cpu_seconds_total"
    case maxFDs = "process_max_fds"
    case openFDs = "process_open_fds"
    case residentMemory = "process_resident_memory_bytes"
    case startTime = "process_start_time_seconds"
    case virtualMemory = "process_virtual_memory_bytes"

    var type: TextFormatWriter.MetricType {
        switch self {
        case .logWriteErrors, .cpuSeconds: .counter
        default: .gauge
        }
    }

    var help: String {
        switch self {
        case .logWriteErrors: "Log lines dropped because writing them failed (standard error closed, full or without reader)."
        case .cpuSeconds: "Total user and system CPU time spent in seconds."
        case .maxFDs: "Maximum number of open file descriptors."
        case .openFDs: "Number of open file descriptors."
        case .residentMemory: "Resident memory size in bytes."
        case .startTime: "Start time of the process since unix epoch in seconds."
        case .virtualMemory: "Virtual memory size in bytes."
        }
    }

    var declaration: FamilyDeclaration {
        FamilyDeclaration(name: rawValue, type: type.rawValue, labels: [], help: help)
    }
}

extension TextFormatWriter {
    fileprivate mutating func put(_ family: ProcessFamily, _ value: Double) {
        unlabeled(family.rawValue, type: family.type, help: family.help, value)
    }
}
