#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport

/// The checks of one target's settings, shared by the flags and the config file: each throws a `ConfigError`
/// whose message says what is wrong, and the caller names the field (a flag, or the file, line and key).
enum TargetChecks {
    /// Runs `check`, naming `field` in its error.
    static func named<T>(_ field: String, _ check: () throws(ConfigError) -> T) throws(ConfigError) -> T {
        do {
            return try check()
        } catch {
            throw ConfigError(field: field, error.message)
        }
    }

    static func baseURL(_ text: String) throws(ConfigError) -> String {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil
        else {
            throw ConfigError(field: "", "\"\(text)\" is not an http(s) URL such as https://cloud.mongodb.com/api/atlas/v2")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// Configured org ids, de-duplicated and sorted; none means discovery.
    static func orgSelection(_ ids: [String]) throws(ConfigError) -> OrgSelection {
        for id in ids where !ExporterConfig.isObjectID(id) {
            throw ConfigError(field: "", "\"\(id)\" is not an organization id (24 hexadecimal characters)")
        }
        return ids.isEmpty ? .discover : .configured(Array(Set(ids)).sorted())
    }

    static func duration(_ text: String, range: ClosedRange<Duration>) throws(ConfigError) -> Duration {
        guard let duration = DurationParser.parse(text) else {
            throw ConfigError(field: "", "\"\(text)\" is not a duration such as 30s, 5m or 1h")
        }
        guard range.contains(duration) else {
            throw ConfigError(field: "", "\"\(text)\" is not between \(DurationRange.describe(range))")
        }
        return duration
    }

    static func readableFile(_ path: String) throws(ConfigError) -> String {
        guard FileManager.default.isReadableFile(atPath: path) else { throw ConfigError(field: "", "cannot read \"\(path)\"") }
        return path
    }

    static func listingItems(_ text: String) throws(ConfigError) -> Int {
        guard let items = Int(text), (1...10_000_000).contains(items) else {
            throw ConfigError(field: "", "\"\(text)\" is not a whole number between 1 and 10000000")
        }
        return items
    }

    static func listingSize(_ text: String) throws(ConfigError) -> Int {
        guard let bytes = ByteSize.parse(text), (1 << 20 ... 64 << 30).contains(bytes) else {
            throw ConfigError(field: "", "\"\(text)\" is not a size between 1MiB and 64GiB (e.g. 128MiB)")
        }
        return bytes
    }

    /// The trimmed content of a secret file; never echoes the content in an error.
    static func secretFile(_ path: String) throws(ConfigError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(field: "", "cannot read \"\(path)\"")
        }
        let secret = String(decoding: data, as: UTF8.self).trimmingWhitespace(newlines: true)
        guard !secret.isEmpty else { throw ConfigError(field: "", "\"\(path)\" is empty") }
        return secret
    }
}
