/// The activity feed's API key event types (MongoDB's event type list), one spelling for the whole exporter: the
/// feed counts them, and the key listing looks up who made a change by them (`ChangeActors`).
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
