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
