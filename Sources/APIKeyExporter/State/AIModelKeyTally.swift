/// What the model API key listing leaves in an org's status for the project feed (`SeamProduct.aiModelKeyTally`):
/// per project, how many keys good listings found new and found gone, summed since the first good listing. The
/// project feed's events never name the model key they are about (MongoDB's spec, `DefaultEventViewForNdsGroup`),
/// so a transient key (created and deleted between two listings) can only be told by comparing these sums with
/// the feed's creations and deletions in the same project.
public struct AIModelKeyTally: Sendable, Equatable {
    /// Unix time of the first good listing: a creation or deletion before it has no listing to be explained by.
    public var since: Double
    /// When the latest good listing started: creations and deletions after it are for the next listing to explain.
    public var listedAt: Double
    /// Keys newly listed, by project id, summed over the good listings since `since`.
    public var added: [String: Int] = [:]
    /// Keys gone from the listing, by project id, summed likewise.
    public var removed: [String: Int] = [:]

    public init(since: Double, listedAt: Double? = nil, added: [String: Int] = [:], removed: [String: Int] = [:]) {
        self.since = since
        self.listedAt = listedAt ?? since
        self.added = added
        self.removed = removed
    }
}

extension OrgStatus {
    /// Nil until a collector listed the org's model API keys once.
    public var aiModelKeyTally: AIModelKeyTally? {
        get { collected[AIModelKeyTally.self] }
        set { collected[AIModelKeyTally.self] = newValue }
    }
}

/// Who acted on model keys, by event type and project (the events name the project, never the key), as the project
/// feeds show it. Kept apart from `changeActors`, which the org feed replaces each cycle; read when the listing's
/// changes are logged, after every collector of the org ran (so no running order is needed).
struct ModelKeyActors: Sendable {
    var actors = ChangeActors()
}

extension OrgStatus {
    /// The newest model key event of each type per project (`ChangeActors` with the project id as subject).
    var modelKeyActors: ChangeActors {
        get { collected[ModelKeyActors.self]?.actors ?? ChangeActors() }
        set { collected[ModelKeyActors.self] = ModelKeyActors(actors: newValue) }
    }
}
