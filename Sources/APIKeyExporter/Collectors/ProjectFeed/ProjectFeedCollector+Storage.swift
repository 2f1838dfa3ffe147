/// What the project feed keeps across a restart: each project's read position and the ids counted recently (so
/// the overlap never counts one twice), and what transient keys are told by. Counters start again from 0.
extension ProjectFeedCollector: PersistentOrgCollector {
    struct Saved: Codable {
        var projects: [String: SavedProject]
        var tallySince: Double?
        var tallyListedAt: Double?
        var tallyAdded: [String: Int]
        var tallyRemoved: [String: Int]
    }

    struct SavedProject: Codable {
        var readFrom: Double?
        var seen: [String: Double]
        var deferredCreated: [Double]
        var deferredDeleted: [Double]
        var unexplainedCreated: [ProjectFeedProject.Waiting]
        var unexplainedDeleted: [ProjectFeedProject.Waiting]
        var unmatchedAdded: [ProjectFeedProject.Waiting]
        var unmatchedRemoved: [ProjectFeedProject.Waiting]
    }

    static func saved(_ org: OrgStatus) -> Saved? {
        guard let state = org.projectFeed, !state.projects.isEmpty else { return nil }
        return Saved(projects: state.projects.mapValues { project in
            SavedProject(readFrom: project.cursor.readFrom, seen: project.cursor.seen,
                    deferredCreated: project.deferred.filter { $0.created }.map { $0.time },
                    deferredDeleted: project.deferred.filter { !$0.created }.map { $0.time },
                    unexplainedCreated: project.unexplainedCreated, unexplainedDeleted: project.unexplainedDeleted,
                    unmatchedAdded: project.unmatchedAdded, unmatchedRemoved: project.unmatchedRemoved)
        }, tallySince: state.lastTally?.since, tallyListedAt: state.lastTally?.listedAt,
           tallyAdded: state.lastTally?.added ?? [:], tallyRemoved: state.lastTally?.removed ?? [:])
    }

    static func restore(_ saved: Saved, into org: inout OrgStatus, restoredAt: Double) {
        var state = ProjectFeedState()
        for (id, project) in saved.projects {
            var restored = ProjectFeedProject()
            restored.cursor = EventFeedCursor(readFrom: project.readFrom, seen: project.seen)
            let deferred = project.deferredCreated.map { (time: $0, created: true) }
                + project.deferredDeleted.map { (time: $0, created: false) }
            restored.deferred = Array(deferred.sorted { $0.time < $1.time }.suffix(EventFeedCursor.seenLimit))
            restored.unexplainedCreated = ProjectFeedProject.restored(project.unexplainedCreated)
            restored.unexplainedDeleted = ProjectFeedProject.restored(project.unexplainedDeleted)
            restored.unmatchedAdded = ProjectFeedProject.restored(project.unmatchedAdded)
            restored.unmatchedRemoved = ProjectFeedProject.restored(project.unmatchedRemoved)
            state.projects[id] = restored
        }
        if let since = saved.tallySince {
            state.lastTally = AIModelKeyTally(since: since, listedAt: saved.tallyListedAt,
                                              added: saved.tallyAdded.mapValues(bounded),
                                              removed: saved.tallyRemoved.mapValues(bounded))
        }
        org.projectFeed = state
    }

    /// A saved count within what counting can reach, so that a damaged file can never make an addition overflow.
    static func bounded(_ count: Int) -> Int {
        min(max(0, count), 1 << 40)
    }
}
