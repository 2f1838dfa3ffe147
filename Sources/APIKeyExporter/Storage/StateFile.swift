#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TextSupport

/// One target's saved state on disk (`--storage.path`): JSON lines, a header first (format, version, target, when
/// saved), then one line per collector and org (or per target collector), then an end line with the count of the
/// lines before it, so a truncated file is told from a whole one. Written atomically: a temporary file in the same
/// directory, fsync, rename over the old one, fsync of the directory; a crash leaves the old file or the new one.
struct StateFile {
    static let format = "mongodb_apikey_exporter/state"
    static let version = 1
    /// A file larger than this is not read (a fresh baseline instead): far above what the listing bounds let one
    /// target's inventory take.
    static let maxBytes = 1 << 30

    let path: String

    /// `<directory>/<target>.state.jsonl`, the target's name escaped so that it is one safe file name.
    init(directory: String, target: String) {
        path = Self.path(directory: directory, target: target, suffix: ".state.jsonl")
    }

    /// `<directory>/<target><suffix>`, the target's name escaped to letters, digits, `-`, `_` and `%XX`.
    static func path(directory: String, target: String, suffix: String) -> String {
        let escaped = target.percentEncoded { $0.isASCIILetterOrDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        return Self.joined(directory, (escaped.isEmpty ? "%" : escaped) + suffix)
    }

    struct Header: Codable {
        var format: String
        var version: Int
        var target: String
        var savedAt: Double
    }

    /// Any line but the header: a collector's (`collector`, and `orgID` for an org collector) or the end line.
    struct Envelope: Decodable {
        var collector: String?
        var org: String?
        var end: Int?
    }

    struct Line<State: Codable>: Codable {
        var collector: String
        var org: String?
        var state: State
    }

    struct End: Codable {
        var end: Int
    }

    /// Why a file was not used; one line in the log says it, and the exporter starts from a fresh baseline.
    enum Unusable: Error, CustomStringConvertible {
        case unreadable(String), tooLarge(Int), notAStateFile, version(Int), otherTarget(String), truncated, corrupt(String)

        var description: String {
            switch self {
            case .unreadable(let reason): "cannot read it (\(reason))"
            case .tooLarge(let bytes): "it is \(bytes) bytes, more than \(StateFile.maxBytes)"
            case .notAStateFile: "it is not a state file"
            case .version(let version): "it is version \(version), this exporter reads \(StateFile.version)"
            case .otherTarget(let name): "it belongs to target \"\(name)\""
            case .truncated: "it is truncated (no end line, or fewer lines than it says)"
            case .corrupt(let reason): "a line cannot be read (\(reason))"
            }
        }
    }

    /// Keys as the Swift names spell them (no snake case: `clientID` would not come back from `client_id`).
    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()

    /// The file's lines after the header, checked whole (header, version, target, end line); nil when there is no
    /// file (a first start).
    func read(target: String) throws(Unusable) -> (savedAt: Double, lines: [Data])? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? any BinaryInteger).map { Int($0) } ?? 0
            guard size <= Self.maxBytes else { throw Unusable.tooLarge(size) }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as Unusable {
            throw error
        } catch {
            throw .unreadable(Self.reason(error))
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { Data($0) }
        guard let first = lines.first, let header = try? Self.decoder.decode(Header.self, from: first),
              header.format == Self.format else { throw .notAStateFile }
        guard header.version == Self.version else { throw .version(header.version) }
        guard header.target == target else { throw .otherTarget(header.target) }
        lines.removeFirst()
        guard let last = lines.last, let end = try? Self.decoder.decode(End.self, from: last),
              end.end == lines.count - 1 else { throw .truncated }
        lines.removeLast()
        return (header.savedAt, lines)
    }

    /// Writes `lines` (each one JSON object) after a header, atomically. Throws a short reason.
    func write(target: String, savedAt: Double, lines: some Sequence<Data>) throws(WriteFailure) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? ""
        let temporary = Self.joined(directory, ".\(slash.map { path[path.index(after: $0)...] } ?? Substring(path)).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteFailure(step: "create \(temporary)", errno: errno) }
        var count = 0
        do throws(WriteFailure) {
            try Self.write(fd, try Self.encode(Header(format: Self.format, version: Self.version, target: target, savedAt: savedAt)))
            for line in lines {
                try Self.write(fd, line)
                count += 1
            }
            try Self.write(fd, try Self.encode(End(end: count)))
            guard fsync(fd) == 0 else { throw WriteFailure(step: "fsync \(temporary)", errno: errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let failure = WriteFailure(step: "rename to \(path)", errno: errno)
            unlink(temporary)
            throw failure
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            defer { close(directoryFD) }
            guard fsync(directoryFD) == 0 else { throw WriteFailure(step: "fsync \(directory)", errno: errno) }
        }
    }

    struct WriteFailure: Error, CustomStringConvertible {
        var step: String
        var errno: Int32

        var description: String { "\(step): \(String(cString: strerror(errno)))" }
    }

    static func encode(_ value: some Encodable) throws(WriteFailure) -> Data {
        do {
            return try encoder.encode(value)
        } catch {
            throw WriteFailure(step: "encode", errno: EINVAL)
        }
    }

    /// The whole line and its newline, however many `write` calls that takes (bounded: each writes at least a byte).
    private static func write(_ fd: Int32, _ line: Data) throws(WriteFailure) {
        var bytes = line
        bytes.append(UInt8(ascii: "\n"))
        let failed: Int32? = bytes.withUnsafeBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if written == 0 { return EIO }
                offset += written
            }
            return nil
        }
        if let failed { throw WriteFailure(step: "write", errno: failed) }
    }
}

extension StateFile {
    /// `directory` and `name` joined by one slash (`name` alone for an empty directory), as NSString's
    /// `appendingPathComponent` did.
    fileprivate static func joined(_ directory: String, _ name: String) -> String {
        directory.isEmpty ? name : directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The system's words for why a read failed (e.g. "Permission denied"), as `localizedDescription` gave them.
    fileprivate static func reason(_ error: any Error) -> String {
        guard let posix = (error as? CocoaError)?.underlying as? POSIXError else { return String(describing: error) }
        return String(cString: strerror(posix.code.rawValue))
    }
}
