/// Where a target's organizations come from.
public enum OrgSelection: Sendable, Equatable {
    /// `--atlas.org-id`, given one or more times.
    case configured([String])
    /// `GET /orgs`: every organization the credential sees.
    case discover
}

/// How a target is polled, whatever its collectors: how many organizations at once, and which of them.
public struct PollOptions: Sendable {
    /// `--poll.concurrency`: how many organizations are polled at once, each over its own connection.
    public var orgConcurrency = 4
    /// The organizations this replica owns.
    public var shard = Shard.all
    /// `--storage.path`: the directory each target's state is saved in, to survive a restart; nil: none.
    public var storagePath: String?

    public init(orgConcurrency: Int = 4, shard: Shard = .all, storagePath: String? = nil) {
        self.orgConcurrency = orgConcurrency
        self.shard = shard
        self.storagePath = storagePath
    }
}
