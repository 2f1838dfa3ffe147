#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Where log lines go. Tests capture them to check that no secret is ever written.
///
/// A line that cannot be written (standard error closed, a pipe nobody reads, a full disk) is dropped and counted
/// in `mongodb_apikey_exporter_log_write_errors_total`: logging never stops or kills the exporter. The process
/// ignores SIGPIPE, so a write to a closed pipe fails with EPIPE here instead of ending the process.
public final class LogSink: Sendable {
    private let isCapturing: Bool
    private let lines = Mutex<[String]>([])
    private let fileDescriptor: Int32

    private init(capturing: Bool, fileDescriptor: Int32 = 2) {
        isCapturing = capturing
        self.fileDescriptor = fileDescriptor
    }

    public static let standardError = LogSink(capturing: false)

    public static func capturing() -> LogSink { LogSink(capturing: true) }

    /// A sink writing to an open file descriptor, for tests of failed writes.
    public static func writing(to fileDescriptor: Int32) -> LogSink { LogSink(capturing: false, fileDescriptor: fileDescriptor) }

    /// Lines dropped because the write failed, since start, across every sink.
    public static var writeErrors: Int { failedWrites.load(ordering: .relaxed) }
    private static let failedWrites = Atomic<Int>(0)

    func write(_ line: String) {
        if isCapturing {
            lines.withLock { $0.append(line) }
            return
        }
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        if !Self.writeFully(bytes, to: fileDescriptor) {
            Self.failedWrites.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// `write(2)` until every byte is out; false on any error other than an interrupted call.
    private static func writeFully(_ bytes: [UInt8], to fileDescriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer -> Bool in
            guard var pointer = buffer.baseAddress else { return true }
            var remaining = buffer.count
            // Bounded: each round writes at least one byte or returns; EINTR is retried a bounded number of times.
            var interruptions = 0
            while remaining > 0 {
                let written = systemWrite(fileDescriptor, pointer, remaining)
                if written > 0 {
                    pointer += written
                    remaining -= written
                } else if written < 0, errno == EINTR, interruptions < 100 {
                    interruptions += 1
                } else {
                    return false
                }
            }
            return true
        }
    }

    public var captured: [String] {
        lines.withLock { $0 }
    }
}

/// `write(2)`, out of reach of `LogSink.write`'s name.
private func systemWrite(_ fileDescriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fileDescriptor, pointer, count)
}
