/// The kinds of credential the exporter inventories; an org records the kinds it found at least once.
public enum CredentialKind: String, Sendable, Hashable {
    case apiKey
    case serviceAccount
}

/// Who made a change, as the activity feed recorded it.
public struct ChangeActor: Sendable, Equatable {
    /// The acting user's name, or `api key <public key>`.
    public var actor: String
    public var remoteAddress: String
    /// Unix seconds of the event.
    public var time: Double?
    /// The principal that acted for `actor` through delegated access (an OAuth application), when one did.
    public var delegatePrincipal: String?

    public init(actor: String, remoteAddress: String, time: Double?, delegatePrincipal: String? = nil) {
        self.actor = actor
        self.remoteAddress = remoteAddress
        self.time = time
        self.delegatePrincipal = delegatePrincipal
    }
}

/// The newest event of each type about each credential, as the activity feed offers it to the collectors that log
/// changes a listing finds (so a change can name who made it). Bounded by whoever fills it.
public struct ChangeActors: Sendable {
    private(set) var byEvent: [String: ChangeActor] = [:]

    public init() {}

    public var count: Int { byEvent.count }

    /// The newest event of `eventType` about the credential `subject` (a key's public key), if the feed showed one.
    public func latest(eventType: String, subject: String) -> ChangeActor? {
        byEvent["\(eventType)|\(subject)"]
    }

    mutating func record(_ actor: ChangeActor, eventType: String, subject: String) {
        byEvent["\(eventType)|\(subject)"] = actor
    }

    /// Keeps the newest `limit` entries.
    mutating func prune(to limit: Int) {
        guard byEvent.count > limit else { return }
        let keep = byEvent.sorted { ($0.value.time ?? 0) > ($1.value.time ?? 0) }.prefix(limit)
        byEvent = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
