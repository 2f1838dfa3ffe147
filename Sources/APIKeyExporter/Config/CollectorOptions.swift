/// Where a target's organizations come from.
public enum OrgSelection: Sendable, Equatable {
    /// `--atlas.org-id`, given one or more times.
    case configured([String])
    /// `GET /orgs`: every organization the credential sees.
    case discover
}

/// What a target polls besides the key listings, and how many requests it may have in flight.
public struct CollectorOptions: Sendable {
    /// `--collector.access-list`: each key's IP access list, one request per key per cycle.
    public var accessLists = false
    /// How many access-list requests may be in flight at once.
    public var accessListConcurrency = 4
    /// `--poll.concurrency`: how many organizations are polled at once, each over its own connection.
    public var orgConcurrency = 4
    /// The organizations this replica owns.
    public var shard = Shard.all
    /// `--[no-]collector.service-accounts`; nil: on for Atlas v2 base URLs only.
    public var serviceAccounts: Bool?
    /// `--[no-]collector.activity-feed`.
    public var activityFeed = true
    /// `--collector.activity-feed.lookback`: how far the first read after start goes back (the poll interval).
    public var activityFeedLookback: Duration = .seconds(300)

    public init(accessLists: Bool = false, accessListConcurrency: Int = 4, orgConcurrency: Int = 4, shard: Shard = .all,
                serviceAccounts: Bool? = nil, activityFeed: Bool = true) {
        self.activityFeed = activityFeed
        self.accessLists = accessLists
        self.accessListConcurrency = accessListConcurrency
        self.orgConcurrency = orgConcurrency
        self.shard = shard
        self.serviceAccounts = serviceAccounts
    }
}
