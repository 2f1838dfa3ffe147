#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `project_feed` (`--[no-]collector.project-feed`, on by default for Atlas v2 base URLs): each project's activity
/// feed (`GET /groups/{groupId}/events`), for the model API key events (`AI_MODELS_APIS_API_KEY_*`, only written
/// there) and the project service-account secret events (`GROUP_SERVICE_ACCOUNT_SECRETS_*`). Every project of the
/// org (the `names` collector's list) is read in turn on the org's worker, asking only for those types: one request
/// per project and poll at least, paced by the target's shared rate limit and 429 pause. Events are counted once by
/// id under the org feed's rules (overlap, lookback, catch-up: `EventFeedCursor`).
///
/// The events never name the model key; a transient key is counted per project from the feed's creations and
/// deletions that the listing's new and gone keys do not explain (`AIModelKeyTally`).
///
/// A project whose feed fails (a 403, say) keeps its counts and shows on the status page; the others are counted and
/// the collector fails for the org. A 404 from every project turns it off for the target (unsupported).
final class ProjectFeedCollector: OrgCollector, SwitchableCollector {
    static let name = "project_feed"
    static let onByDefault: Set<APIFlavor> = [.atlasV2]
    static let switchHelp = "Read each project's activity feed for model API key and service account secret events (one request per project and poll). Default: on for Atlas v2 base URLs."
    static let reads: Set<SeamProduct> = [.projectNames, .aiModelKeyTally]
    static let statusColumns = ["Failing project feeds"]
    static let types = ProjectEventType.allCases.map(\.rawValue)

    private let window: ProjectFeedWindow

    init(window: ProjectFeedWindow = ProjectFeedWindow()) {
        self.window = window
    }

    static func make(_ target: CollectorTarget) -> ProjectFeedCollector? {
        target.switchState(Self.self).on ? ProjectFeedCollector(window: target.settings[ProjectFeedWindow.self]) : nil
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        var state = org.projectFeed ?? ProjectFeedState()
        // Projects no longer listed go with their counts.
        let projectIDs = org.projectNames.keys.sorted()
        state.projects = state.projects.filter { org.projectNames[$0.key] != nil }
        var failures: [APIError] = []
        var notFound: [APIError] = []
        for projectID in projectIDs {
            let now = Date().timeIntervalSince1970
            var project = state.projects[projectID] ?? ProjectFeedProject()
            let from = project.cursor.readStart(now: now, lookback: window.lookback.secondsDouble,
                                                maxCatchUp: window.maxCatchUp.secondsDouble)
            do throws(APIError) {
                let events = try context.client.listProjectEvents(projectID: projectID, since: from, types: Self.types)
                for event in project.record(events, readStartedAt: now) {
                    log(event, orgID: org.orgID, projectID: projectID, context: context)
                    if event.eventTypeName.hasPrefix(ProjectEventType.aiKeyPrefix) {
                        state.actors.record(ChangeActor(actor: event.actor, remoteAddress: event.remoteAddress ?? "",
                                                        time: event.created),
                                            eventType: event.eventTypeName, subject: projectID)
                    }
                }
                state.failures[projectID] = nil
                state.projects[projectID] = project
            } catch {
                if case .http(404, _, _) = error {
                    // A project deleted since it was listed; if every project says so, the API has no such feed.
                    notFound.append(error)
                    state.projects[projectID] = nil
                    continue
                }
                project.lastReadSucceeded = false
                state.projects[projectID] = project
                state.failures[projectID] = "\(error.reason): \(error)"
                failures.append(error)
                context.logger.error("project feed read failed; the other projects are counted", metadata: [
                    "target": "\(context.targetName)", "org_id": "\(org.orgID)", "project_id": "\(projectID)",
                    "reason": "\(error.reason)", "err": "\(error)"])
            }
        }
        let kept = state.projects
        state.failures = state.failures.filter { kept[$0.key] != nil }
        if state.countedSince == nil { state.countedSince = Date().timeIntervalSince1970 }
        if let tally = org.aiModelKeyTally {
            for (projectID, count) in state.settle(tally).sortedByKey {
                context.logger.warning("ai model api keys lived less than a poll interval: created and deleted between two listings", metadata: [
                    "target": "\(context.targetName)", "org_id": "\(org.orgID)", "project_id": "\(projectID)", "count": "\(count)"])
            }
        }
        state.actors.prune(to: EventFeedCursor.seenLimit)
        org.modelKeyActors = state.actors
        org.projectFeed = state
        if let first = notFound.first, notFound.count == projectIDs.count { throw first }
        if let failure = failures.first { throw failure }
    }

    private func log(_ event: ProjectEvent, orgID: String, projectID: String, context: OrgCollectionContext) {
        context.logger.info("project security event", metadata: [
            "target": "\(context.targetName)", "org_id": "\(orgID)", "project_id": "\(projectID)",
            "event_type": "\(event.eventTypeName)", "actor": "\(event.actor)", "remote_address": "\(event.remoteAddress ?? "")",
            "event_time": "\(event.created.map(ISOTime.format) ?? "")"])
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        // Logged per project in `collect`.
    }

    func unsupported(by error: APIError) -> String? {
        if case .http(404, _, _) = error { return "this API has no project activity feeds (404)" }
        return nil
    }

    /// The projects whose last read failed, by id.
    static func statusCells(_ org: OrgStatus) -> [StatusCell] {
        guard let state = org.projectFeed else { return [StatusCell(nil)] }
        let failed = state.failures.sortedByKey.map { id, reason in "\(org.projectNames[id] ?? id) (\(reason))" }
        return [StatusCell(failed.isEmpty ? "none" : failed.joined(separator: "; "),
                           cssClass: failed.isEmpty ? "project-feed" : "project-feed bad")]
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        ProjectFeedFamilies.all(scope)
    }
}
