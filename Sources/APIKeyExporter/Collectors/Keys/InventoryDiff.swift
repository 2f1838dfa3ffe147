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
        changes(from: KeyTable(before), to: after)
    }

    /// The same, from a snapshot's keys as they are held: each listed key is looked up by id (binary search) and
    /// compared in place; only the keys that changed are built as `APIKey`s. A key listed twice counts once.
    public static func changes(from before: KeyTable, to after: [APIKey]) -> [KeyChange] {
        var matched = [Bool](repeating: false, count: before.count)
        var changes: [KeyChange] = []
        for key in after {
            guard let index = before.firstIndex(ofID: key.id), !matched[index] else {
                changes.append(KeyChange(kind: .added, before: nil, after: key))
                continue
            }
            matched[index] = true
            let rolesChanged = !before.hasRoles(key.roles, at: index)
            let descriptionChanged = !before.hasDescription(key.desc, at: index)
            guard rolesChanged || descriptionChanged else { continue }
            let old = before[index]
            if rolesChanged { changes.append(KeyChange(kind: .rolesChanged, before: old, after: key)) }
            if descriptionChanged { changes.append(KeyChange(kind: .descriptionChanged, before: old, after: key)) }
        }
        for index in before.indices where !matched[index] && !before.repeatsPreviousID(index) {
            changes.append(KeyChange(kind: .removed, before: before[index], after: nil))
        }
        return changes.sorted { ($0.keyID, $0.kind) < ($1.keyID, $1.kind) }
    }
}

/// The creation time a MongoDB ObjectId carries: its first 4 bytes, big-endian Unix seconds.
public enum ObjectIDTimestamp {
    /// Nil unless `id` is exactly 24 hexadecimal characters.
    public static func seconds(_ id: String) -> Double? {
        var id = id
        return id.withUTF8 { seconds(UnsafeRawBufferPointer($0)) }
    }

    /// The same, from the id's bytes.
    public static func seconds(_ utf8: UnsafeRawBufferPointer) -> Double? {
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
