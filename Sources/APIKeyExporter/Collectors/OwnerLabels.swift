import Foundation

/// Labels taken from what teams write into a credential's description or name ("team=payments", "[payments]
/// nightly export"): the config file's `owner_labels`, a list of `{label, regex}` with one capture group each, top
/// level for every target or a target's own list instead. They join `mongodb_api_key_info`,
/// `mongodb_service_account_info` and the change logs, so that alerts can be routed with `group_left`. Shared through
/// the seam like `AccessListReading`: the key and service-account collectors each read it.
public struct OwnerLabels: CollectorSetting {
    public struct Label: Sendable {
        public let name: String
        public let pattern: String
        let regex: NSRegularExpression
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
            let regex: NSRegularExpression
            do {
                regex = try NSRegularExpression(pattern: entry.regex)
            } catch {
                throw OwnerLabelError(index: index, field: "regex", "\"\(entry.regex)\" is not a valid regular expression")
            }
            guard regex.numberOfCaptureGroups == 1 else {
                throw OwnerLabelError(index: index, field: "regex",
                                      "\"\(entry.regex)\" must have exactly one capture group (it has \(regex.numberOfCaptureGroups))")
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
                let range = NSRange(text.startIndex..., in: text)
                guard let match = label.regex.firstMatch(in: text, range: range),
                      let captured = Range(match.range(at: 1), in: text) else { continue }
                return String(text[captured].prefix(Self.valueLimit))
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
        let letters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
        let rest = letters.union(CharacterSet(charactersIn: "0123456789"))
        return letters.contains(first) && name.unicodeScalars.allSatisfy { rest.contains($0) }
    }

    public static func == (lhs: OwnerLabels, rhs: OwnerLabels) -> Bool {
        lhs.labels.map { [$0.name, $0.pattern] } == rhs.labels.map { [$0.name, $0.pattern] }
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
