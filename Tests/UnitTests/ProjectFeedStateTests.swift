@testable import APIKeyExporter
import Foundation
import Testing

/// The project feed's counting and its transient-key rule, and the feed cursor it shares with the org feed.
@Suite("Project feed: counting, transient keys, cursor")
struct ProjectFeedStateTests {
    static func event(_ id: String, _ type: String, at time: Double) -> ProjectEvent {
        ProjectEvent(id: id, eventTypeName: type, created: time, username: "alice")
    }

    static let created = "AI_MODELS_APIS_API_KEY_CREATED"
    static let deleted = "AI_MODELS_APIS_API_KEY_DELETED"

    @Test("the cursor: each id once, the overlap, the lookback, the catch-up bound, a bounded memory")
    func cursor() {
        var cursor = EventFeedCursor()
        #expect(cursor.readStart(now: 10_000, lookback: 300, maxCatchUp: 86_400) == 9_700)
        #expect(cursor.admit("a", at: 1) && !cursor.admit("a", at: 1))
        cursor.finishRead(startedAt: 10_000)
        #expect(cursor.readStart(now: 10_300, lookback: 300, maxCatchUp: 86_400) == 10_000 - EventFeedCursor.overlap)
        #expect(cursor.readStart(now: 1_000_000, lookback: 300, maxCatchUp: 86_400) == 1_000_000 - 86_400)
        for index in 0..<50 { _ = cursor.admit("e\(index)", at: Double(index)) }
        cursor.prune(to: 10)
        #expect(cursor.seen.count == 10 && cursor.seen["e49"] != nil && cursor.seen["e0"] == nil)
        let restored = EventFeedCursor(readFrom: 5, seen: Dictionary(uniqueKeysWithValues: (0..<(EventFeedCursor.seenLimit + 5)).map { ("x\($0)", Double($0)) }))
        #expect(restored.seen.count == EventFeedCursor.seenLimit && restored.readFrom == 5)
    }

    @Test("every type at 0 from the first read; each event once; unknown types ignored")
    func counting() {
        var project = ProjectFeedProject()
        #expect(project.record([], readStartedAt: 100).isEmpty)
        #expect(project.counts == Dictionary(uniqueKeysWithValues: ProjectEventType.allCases.map { ($0.rawValue, 0) }))
        let events = [Self.event("1", Self.created, at: 90), Self.event("2", "GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRED", at: 95),
                      Self.event("3", "CLUSTER_CREATED", at: 96)]
        #expect(project.record(events, readStartedAt: 200).map(\.id) == ["1", "2"])
        #expect(project.record(events, readStartedAt: 300).isEmpty)
        #expect(project.counts[Self.created] == 1 && project.counts["GROUP_SERVICE_ACCOUNT_SECRETS_EXPIRED"] == 1)
        #expect(project.counts.count == ProjectEventType.allCases.count)
    }

    @Test("transient: creations no new key explains matched with deletions no gone key explains, once")
    func transient() {
        var state = ProjectFeedState()
        state.projects["p"] = ProjectFeedProject()
        // The baseline listing at 100: nothing yet.
        #expect(state.settle(AIModelKeyTally(since: 100)).isEmpty && state.transientCount == 0)
        // Between 100 and 200: key a created (listed at 200), key b deleted (gone at 200), key t created and deleted.
        _ = state.projects["p"]?.record([Self.event("1", Self.created, at: 110), Self.event("2", Self.deleted, at: 120),
                                         Self.event("3", Self.created, at: 130), Self.event("4", Self.deleted, at: 140),
                                         // After the listing: for the next one to explain.
                                         Self.event("5", Self.created, at: 210)], readStartedAt: 220)
        var tally = AIModelKeyTally(since: 100, listedAt: 200, added: ["p": 1], removed: ["p": 1])
        #expect(state.settle(tally) == ["p": 1] && state.transientCount == 1)
        // A poll later: the key created at 210 is listed; nothing counted twice.
        tally.listedAt = 300
        tally.added["p"] = 2
        #expect(state.settle(tally).isEmpty && state.transientCount == 1)
        // Events before the first listing explain nothing and count as nothing.
        _ = state.projects["p"]?.record([Self.event("6", Self.created, at: 50), Self.event("7", Self.deleted, at: 60)],
                                        readStartedAt: 320)
        tally.listedAt = 400
        #expect(state.settle(tally).isEmpty && state.transientCount == 1)
    }

    @Test("a late feed: a listing change first, its event a poll later, is no transient key")
    func lateFeed() {
        var state = ProjectFeedState()
        state.projects["p"] = ProjectFeedProject()
        _ = state.settle(AIModelKeyTally(since: 100))
        #expect(state.settle(AIModelKeyTally(since: 100, listedAt: 200, added: ["p": 1], removed: ["p": 1])).isEmpty)
        _ = state.projects["p"]?.record([Self.event("1", Self.created, at: 150), Self.event("2", Self.deleted, at: 160)],
                                        readStartedAt: 300)
        #expect(state.settle(AIModelKeyTally(since: 100, listedAt: 300, added: ["p": 1], removed: ["p": 1])).isEmpty)
        #expect(state.transientCount == 0)
    }

    @Test("a listing change no event ever explains is dropped after the window: a later transient key counts")
    func unmatchedExpires() {
        var state = ProjectFeedState()
        state.projects["p"] = ProjectFeedProject()
        _ = state.settle(AIModelKeyTally(since: 100))
        // A key listed at 200 whose creation never shows in the feed.
        var tally = AIModelKeyTally(since: 100, listedAt: 200, added: ["p": 1])
        #expect(state.settle(tally).isEmpty)
        // Listings every 30 s for 25 minutes while the feed fails: its events may still come.
        state.projects["p"]?.lastReadSucceeded = false
        for step in 1...50 {
            tally.listedAt = 200 + Double(step) * 30
            _ = state.settle(tally)
        }
        #expect(state.projects["p"]?.unmatchedAdded.count == 1)
        // Then good reads: past the window in time and in listings, the change is dropped.
        _ = state.projects["p"]?.record([], readStartedAt: 1_700)
        for step in 51...53 {
            tally.listedAt = 200 + Double(step) * 30
            _ = state.settle(tally)
        }
        #expect(state.projects["p"]?.unmatchedAdded.isEmpty == true)
        // Then a key created and deleted between two listings: nothing explains it away.
        _ = state.projects["p"]?.record([Self.event("1", Self.created, at: 1_750), Self.event("2", Self.deleted, at: 1_760)],
                                        readStartedAt: 1_790)
        tally.listedAt = 1_800
        #expect(state.settle(tally) == ["p": 1] && state.transientCount == 1)
    }

    @Test("however long a project's feed fails, what waits for a match stays bounded")
    func boundedWhileFailing() {
        var state = ProjectFeedState()
        state.projects["p"] = ProjectFeedProject()
        _ = state.settle(AIModelKeyTally(since: 0))
        for step in 1...3 {
            _ = state.settle(AIModelKeyTally(since: 0, listedAt: Double(step) * 30,
                                             added: ["p": step * EventFeedCursor.seenLimit]))
        }
        #expect(state.projects["p"]?.lastReadSucceeded == false)
        #expect(state.projects["p"]?.unmatchedAdded.count == EventFeedCursor.seenLimit)
    }

    @Test("hourly listings: an event read two listings after its listing change still finds it (the window counts listings)")
    func lateEventLongInterval() {
        var state = ProjectFeedState()
        state.projects["p"] = ProjectFeedProject()
        _ = state.settle(AIModelKeyTally(since: 0))
        _ = state.projects["p"]?.record([], readStartedAt: 3_600)
        #expect(state.settle(AIModelKeyTally(since: 0, listedAt: 3_600, added: ["p": 1])).isEmpty)
        // A good read with nothing yet, an hour later: past the window in time, not in listings.
        _ = state.projects["p"]?.record([], readStartedAt: 7_200)
        #expect(state.settle(AIModelKeyTally(since: 0, listedAt: 7_200, added: ["p": 1])).isEmpty)
        #expect(state.projects["p"]?.unmatchedAdded.count == 1)
        _ = state.projects["p"]?.record([Self.event("1", Self.created, at: 3_000)], readStartedAt: 10_800)
        #expect(state.settle(AIModelKeyTally(since: 0, listedAt: 10_800, added: ["p": 1])).isEmpty)
        let project = state.projects["p"]
        #expect(project?.unmatchedAdded.isEmpty == true && project?.unexplainedCreated.isEmpty == true)
    }

    @Test("a restart keeps each project's position, ids and balances: nothing counted twice, a damaged count bounded")
    func storage() throws {
        var org = OrgStatus(orgID: "o")
        var state = ProjectFeedState()
        var project = ProjectFeedProject()
        _ = project.record([Self.event("1", Self.created, at: 150)], readStartedAt: 200)
        state.projects["p"] = project
        _ = state.settle(AIModelKeyTally(since: 100, listedAt: 120))
        org.projectFeed = state
        var saved = try #require(ProjectFeedCollector.saved(org))
        // A damaged file: more waiting than a running exporter keeps, out of order, with a wild listing count.
        saved.projects["p"]?.unmatchedAdded = (0..<(EventFeedCursor.seenLimit + 10)).reversed().map {
            ProjectFeedProject.Waiting(since: Double($0), listings: $0 == EventFeedCursor.seenLimit + 9 ? Int.max : 0)
        }
        let data = try JSONEncoder().encode(saved)
        var restored = OrgStatus(orgID: "o")
        ProjectFeedCollector.restore(try JSONDecoder().decode(ProjectFeedCollector.Saved.self, from: data), into: &restored,
                                     restoredAt: 300)
        var again = try #require(restored.projectFeed?.projects["p"])
        #expect(again.cursor.readFrom == 200 && again.deferred.count == 1)
        #expect(again.unmatchedAdded.count == EventFeedCursor.seenLimit && again.unmatchedAdded.first?.since == 10)
        #expect(again.unmatchedAdded.map(\.since) == again.unmatchedAdded.map(\.since).sorted())
        #expect(again.unmatchedAdded.last?.listings == ProjectFeedProject.matchListings + 1)
        #expect(again.record([Self.event("1", Self.created, at: 150)], readStartedAt: 400).isEmpty)
        #expect(restored.projectFeed?.lastTally == AIModelKeyTally(since: 100, listedAt: 120))
    }
}
