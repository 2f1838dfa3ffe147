/// The kinds of change `mongodb_api_key_changes_total` counts, as its `change` label spells them.
public enum ChangeKind: String, Sendable, CaseIterable, Comparable {
    case added
    case removed
    case rolesChanged = "roles_changed"
    case descriptionChanged = "description_changed"

    public static func < (lhs: ChangeKind, rhs: ChangeKind) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// One change to one key between two successful listings of an org.
public struct KeyChange: Sendable, Equatable {
    public var kind: ChangeKind
    /// The key before the change; nil when added.
    public var before: APIKey?
    /// The key after the change; nil when removed.
    public var after: APIKey?

    public var keyID: String { (after ?? before)?.id ?? "" }
}

/// Compares two listings of one org by key id. Identity, not counts: a key deleted and another created between two
/// polls leave every count the same, but show here as one `removed` and one `added`.
public enum InventoryDiff {
    /// Changes from `before` to `after`, ordered by key id then kind. A key whose roles and description both
    /// changed yields one change of each kind.
    public static func changes(from before: [APIKey], to after: [APIKey]) -> [KeyChange] {
        var previous = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [KeyChange] = []
        for key in after {
            guard let old = previous.removeValue(forKey: key.id) else {
                changes.append(KeyChange(kind: .added, before: nil, after: key))
                continue
            }
            if Set(old.roles) != Set(key.roles) {
                changes.append(KeyChange(kind: .rolesChanged, before: old, after: key))
            }
            if old.desc != key.desc {
                changes.append(KeyChange(kind: .descriptionChanged, before: old, after: key))
            }
        }
        for old in previous.values {
            changes.append(KeyChange(kind: .removed, before: old, after: nil))
        }
        return changes.sorted { ($0.keyID, $0.kind) < ($1.keyID, $1.kind) }
    }
}

/// The creation time a MongoDB ObjectId carries: its first 4 bytes, big-endian Unix seconds.
public enum ObjectIDTimestamp {
    /// Nil unless `id` is exactly 24 hexadecimal characters.
    public static func seconds(_ id: String) -> Double? {
        let utf8 = Array(id.utf8)
        guard utf8.count == 24 else { return nil }
        var value: UInt64 = 0
        for (index, byte) in utf8.enumerated() {
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 97...102: digit = byte - 87
            case 65...70: digit = byte - 55
            default: return nil
            }
            if index < 8 { value = value << 4 | UInt64(digit) }
        }
        return Double(value)
    }
}
