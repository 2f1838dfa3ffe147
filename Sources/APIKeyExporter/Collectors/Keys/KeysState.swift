/// What the `keys` collector knows of an org: the last complete listing, whether the latest one succeeded, and the
/// changes counted. Other collectors read the listing through the seam (`SeamProduct.keyInventory`), by the
/// accessors below.
struct KeysState: Sendable {
    var lastGood: OrgSnapshot?
    var lastPollSucceeded = false
    var changes = ChangeCounter<ChangeKind>()
    /// The changes the last successful listing counted, logged once every collector ran for the org.
    var lastCycleChanges: [KeyChange] = []
}

extension OrgStatus {
    private var keys: KeysState {
        get { collected[KeysState.self] ?? KeysState() }
        set { collected[KeysState.self] = newValue }
    }

    /// The last complete listing; kept when a later poll fails, so the numbers never drop to nothing.
    public var lastGood: OrgSnapshot? {
        get { keys.lastGood }
        set { keys.lastGood = newValue }
    }

    /// Whether the latest listing of this org completed. False marks `lastGood` as stale.
    public var lastPollSucceeded: Bool {
        get { keys.lastPollSucceeded }
        set { keys.lastPollSucceeded = newValue }
    }

    /// Key changes counted since the first successful listing, which is the baseline.
    public var keyChanges: ChangeCounter<ChangeKind> {
        get { keys.changes }
        set { keys.changes = newValue }
    }

    /// The key changes the last successful listing counted, logged once every collector ran for the org (with who
    /// made each, when the activity feed says).
    public var lastCycleChanges: [KeyChange] {
        get { keys.lastCycleChanges }
        set { keys.lastCycleChanges = newValue }
    }

    /// Records a complete listing and the changes found against the previous one. The first success only
    /// sets the baseline: every change counter starts at 0.
    public mutating func recordSuccess(_ snapshot: OrgSnapshot, changes: [KeyChange]) {
        if keyChanges.hasBaseline { lastCycleChanges = changes }
        keyChanges.record(changes.map(\.kind), at: snapshot.completedAt)
        lastGood = snapshot
        lastPollSucceeded = true
    }

    /// Records a failed listing: the previous snapshot stays, and no change is counted.
    public mutating func recordFailure(_ error: APIError) {
        lastPollSucceeded = false
    }
}

extension RenderScope {
    /// Calls `body` for every org that has a good listing.
    func eachSnapshot(_ body: (String, OrgStatus, OrgSnapshot) -> Void) {
        eachOrg { target, org in
            if let snapshot = org.lastGood { body(target, org, snapshot) }
        }
    }
}
