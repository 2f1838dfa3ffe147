#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `activity_feed` (`--[no-]collector.activity-feed`, on by default): the org's activity feed, which records every
/// key event with who acted and from where. It catches what consecutive listings cannot: a key created and deleted
/// between two polls (`mongodb_api_keys_transient_total`). Events are counted by id, never twice; each read goes back
/// an overlap before the previous one (the feed is eventually consistent), and the first goes back `lookback`, so a
/// restart opens no blind window.
///
/// Service account events are counted by type and logged with who acted, but name no account (the spec's
/// `ServiceAccountOrgEvents`): no transient accounts; their types are at 0 only where accounts are inventoried.
/// Reading the feed may need more than listing keys (MongoDB's docs name the Organization Member role): a 403 fails
/// this collector only, logged once per cycle and target, and the key inventory is unaffected.
final class ActivityFeedCollector: OrgCollector, SwitchableCollector {
    static let name = "activity_feed"
    static let onByDefault = APIFlavor.all
    static let switchHelp = "Read each organization's activity feed for key and service account events (needs the Organization Member role). Default: on."
    /// Compares the feed with the org's current listing.
    static let needs: Set<SeamProduct> = [.keyInventory]
    static let reads: Set<SeamProduct> = [.credentialKinds]
    static let targetKeys = ["activity_feed"]
    /// How far each read reaches back before the previous one: events may appear in the feed a little late.
    static let overlap: Double = 600

    private let lookback: Duration
    /// How far back a read resuming from a restored position goes at most.
    private let maxCatchUp: Duration
    /// Whether this cycle already logged a refusal (one line per cycle and target, not one per org).
    private let refusalLogged = OnceFlag()

    init(lookback: Duration, maxCatchUp: Duration = ActivityFeedMaxCatchUp().duration) {
        self.lookback = lookback
        self.maxCatchUp = maxCatchUp
    }

    static func make(_ target: CollectorTarget) -> ActivityFeedCollector? {
        guard target.switchState(Self.self).on else { return nil }
        return ActivityFeedCollector(lookback: target.settings[ActivityFeedLookback.self].duration,
                                     maxCatchUp: target.settings[ActivityFeedMaxCatchUp.self].duration)
    }

    static func configLines(_ settings: CollectorSettings) -> [String] {
        switchConfigLines(settings) + [
         "activity_feed_lookback: \(HTML.duration(settings[ActivityFeedLookback.self].duration))",
         "activity_feed_max_catch_up: \(HTML.duration(settings[ActivityFeedMaxCatchUp.self].duration))"]
    }


    func cycleStarted() {
        refusalLogged.reset()
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        let now = Date().timeIntervalSince1970
        var state = org.activityFeed ?? ActivityFeedState()
        let from = state.cursor.readStart(now: now, lookback: lookback.secondsDouble, maxCatchUp: maxCatchUp.secondsDouble,
                                          overlap: Self.overlap)
        let events = try context.client.listEvents(orgID: org.orgID, since: from)
        let listed = Set(org.lastGood?.keys.publicKeys ?? [])
        let (new, transient) = state.record(events, listed: listed, at: now,
                                            serviceAccounts: org.inventoried.contains(.serviceAccount))
        state.readFrom = now
        org.activityFeed = state
        org.changeActors = state.actors
        for event in new {
            log(event, orgID: org.orgID, context: context)
        }
        for publicKey in transient {
            context.logger.warning("api key lived less than a poll interval: created and deleted between two listings", metadata: [
                "target": "\(context.targetName)", "org_id": "\(org.orgID)", "public_key": "\(publicKey)"])
        }
    }

    /// One info line per event counted: a key event names the key; a service account event cannot name the account,
    /// only the project it happened in, when it has one; an org security event names who changed the policy.
    private func log(_ event: ActivityEvent, orgID: String, context: OrgCollectionContext) {
        var metadata: Logger.Metadata = [
            "target": "\(context.targetName)", "org_id": "\(orgID)", "event_type": "\(event.eventTypeName)",
            "actor": "\(event.actor)", "remote_address": "\(event.remoteAddress ?? "")",
            "event_time": "\(event.created.map(ISOTime.format) ?? "")"]
        if let delegate = event.delegatePrincipal { metadata["delegate_principal"] = "\(delegate)" }
        if ActivityFeedState.orgSecurityTypes.contains(event.eventTypeName) {
            context.logger.info("org security event", metadata: metadata)
            return
        }
        if OAuthEventType.all.contains(event.eventTypeName) {
            context.logger.info("oauth event", metadata: metadata)
            return
        }
        guard event.eventTypeName.hasPrefix(APIKeyEventType.prefix) else {
            if let groupID = event.groupID { metadata["group_id"] = "\(groupID)" }
            context.logger.info("service account event", metadata: metadata)
            return
        }
        metadata["public_key"] = "\(event.targetPublicKey ?? "")"
        context.logger.info("api key event", metadata: metadata)
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        // Its last good state stays, marked stale by the seam's collector_success.
        org.activityFeed = org.activityFeed ?? ActivityFeedState()
        if case .http(403, _, _) = error {
            if refusalLogged.setFirstTime() {
                context.logger.error("activity feed refused (403): reading events needs the Organization Member role; the key inventory is unaffected",
                                     metadata: ["target": "\(context.targetName)"])
            }
            return
        }
        context.logger.error("activity feed read failed", metadata: [
            "target": "\(context.targetName)", "org_id": "\(org.orgID)", "reason": "\(error.reason)", "err": "\(error)"])
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        ActivityFeedFamilies.all(scope)
    }
}
