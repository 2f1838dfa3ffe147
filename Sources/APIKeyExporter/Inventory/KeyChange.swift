/// The kinds of change `mongodb_api_key_changes_total` counts, as its `change` label spells them.
public enum ChangeKind: String, ChangeKindSet, Comparable {
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

/// The activity feed's API key event types (MongoDB's event type list), one spelling for the whole exporter.
public enum APIKeyEventType: String, Sendable, CaseIterable {
    case accessListEntryAdded = "API_KEY_ACCESS_LIST_ENTRY_ADDED"
    case accessListEntryDeleted = "API_KEY_ACCESS_LIST_ENTRY_DELETED"
    case addedToGroup = "API_KEY_ADDED_TO_GROUP"
    case created = "API_KEY_CREATED"
    case deleted = "API_KEY_DELETED"
    case descriptionChanged = "API_KEY_DESCRIPTION_CHANGED"
    case removedFromGroup = "API_KEY_REMOVED_FROM_GROUP"
    case rolesChanged = "API_KEY_ROLES_CHANGED"
    case uiAccessListInheritanceDisabled = "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_DISABLED"
    case uiAccessListInheritanceEnabled = "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED"

    public static let prefix = "API_KEY_"
}

extension ChangeKind {
    /// The feed's event for a change a listing shows.
    public var eventType: APIKeyEventType {
        switch self {
        case .added: .created
        case .removed: .deleted
        case .rolesChanged: .rolesChanged
        case .descriptionChanged: .descriptionChanged
        }
    }
}
