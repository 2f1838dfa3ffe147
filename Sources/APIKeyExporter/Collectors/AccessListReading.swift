/// Whether access lists are read, for every kind of credential that has them: the `access_list` collector's flags
/// set it, and each collector of a credential kind reads it (a service account's access list is read by its own
/// collector), so that no collector names another.
public struct AccessListReading: CollectorSetting {
    /// Whether access lists are read: one request per credential per cycle.
    public var enabled = false
    /// How many access-list requests may be in flight at once.
    public var concurrency = 4

    public init() {}

    public init(enabled: Bool, concurrency: Int = 4) {
        self.enabled = enabled
        self.concurrency = concurrency
    }
}
