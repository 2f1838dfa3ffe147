#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Labels taken from what teams write into a credential's description or name ("team=payments", "[payments]
/// nightly export"): the config file's `owner_labels`, a list of `{label, regex}` with one capture group each, top
/// level for every target or a target's own list instead. They join `mongodb_api_key_info`,
/// `mongodb_service_account_info` and the change logs, so that alerts can be routed with `group_left`. Shared through
/// the seam like `AccessListReading`: the key and service-account collectors each read it.
public struct OwnerLabels: CollectorSetting {
    public struct Label: Sendable {
        public let name: String
        public let pattern: String
        let regex: SharedRegex
    }

    public private(set) var labels: [Label] = []

    /// The labels of the families owner labels join; none of them may be taken.
    static let reserved: Set<String> = ["target", "org_id", "key_id", "public_key", "description", "client_id", "name"]
    /// A value is cut to this many characters: it is a label value, and a runaway match must not make it huge.
    static let valueLimit = 64

    public init() {}

    /// Checks every entry: a label name Prometheus accepts, not reserved and not repeated; a regex that compiles
    /// and has exactly one capture group. The error says which entry (0-based) and field, and what is wrong.
    public init(_ entries: [(label: String, regex: String)]) throws(OwnerLabelError) {
        for (index, entry) in entries.enumerated() {
            guard Self.isValidName(entry.label) else {
                throw OwnerLabelError(index: index, field: "label",
                                      "\"\(entry.label)\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)")
            }
            guard !Self.reserved.contains(entry.label) else {
                throw OwnerLabelError(index: index, field: "label",
                                      "\"\(entry.label)\" is already a label of mongodb_api_key_info or mongodb_service_account_info")
            }
            guard !labels.contains(where: { $0.name == entry.label }) else {
                throw OwnerLabelError(index: index, field: "label", "\"\(entry.label)\" is given twice")
            }
            let regex: SharedRegex
            do {
                regex = try SharedRegex(entry.regex)
            } catch {
                throw OwnerLabelError(index: index, field: "regex", "\"\(entry.regex)\" is not a valid regular expression")
            }
            guard regex.captureGroups == 1 else {
                throw OwnerLabelError(index: index, field: "regex",
                                      "\"\(entry.regex)\" must have exactly one capture group (it has \(regex.captureGroups))")
            }
            labels.append(Label(name: entry.label, pattern: entry.regex, regex: regex))
        }
    }

    public var names: [String] { labels.map(\.name) }
    public var isEmpty: Bool { labels.isEmpty }

    /// Each label's value: its regex searched in `texts` in order, the first match's capture group, cut to
    /// `valueLimit` characters; "" where nothing matches.
    func values(searching texts: [String]) -> [String] {
        labels.map { label in
            for text in texts {
                guard let match = try? label.regex.regex.firstMatch(in: text), match.output.count > 1,
                      let captured = match.output[1].substring else { continue }
                return String(captured.prefix(Self.valueLimit))
            }
            return ""
        }
    }

    /// `label=value` pairs for a log line.
    func logMetadata(_ values: [String]) -> [(String, String)] {
        Array(zip(names, values))
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !name.hasPrefix("__") else { return false }
        let letter: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "_" }
        return letter(first) && name.unicodeScalars.allSatisfy { letter($0) || ("0"..."9").contains($0) }
    }

    public static func == (lhs: OwnerLabels, rhs: OwnerLabels) -> Bool {
        lhs.labels.map { [$0.name, $0.pattern] } == rhs.labels.map { [$0.name, $0.pattern] }
    }
}

/// A compiled `Regex` (Swift's engine: ICU's syntax for the common forms) shared by the threads that poll. `Regex` is
/// not `Sendable`, but matching only reads it: the program it compiles to on first use is stored atomically, and it is
/// compiled here, before it is shared.
struct SharedRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    /// The capture groups the pattern has (named or not).
    let captureGroups: Int

    init(_ pattern: String) throws {
        regex = try Regex(pattern)
        _ = try regex.firstMatch(in: "")
        // Any match's output has one entry per group, matched or not; the empty alternative always matches (the
        // newline ends a comment in the pattern's extended mode, if it sets one).
        captureGroups = try Regex("(?:" + pattern + "\n)|").firstMatch(in: "").map { $0.output.count - 1 } ?? 0
    }
}

/// A bad `owner_labels` entry: which one (0-based), which field, what is wrong.
public struct OwnerLabelError: Error, Sendable {
    public let index: Int
    public let field: String
    public let message: String

    init(index: Int, field: String, _ message: String) {
        self.index = index
        self.field = field
        self.message = message
    }
}
