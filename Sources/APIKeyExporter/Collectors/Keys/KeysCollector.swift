/// `keys`: every API key of the org (listing, diff against the last good listing, confirmation of role changes),
/// the counts by role and project, the change counters and the per-key families.
///
/// Its state is the org's status itself (`lastGood`, `lastPollSucceeded`, `changeCounts`, `errorCounts`): the key
/// listing is what "the org's poll" means for `mongodb_api_keys_poll_success`, the error reasons and readiness.
final class KeysCollector: OrgCollector {
    static let name = "keys"
    static let dependencies: [String] = []

    static func make(options: CollectorOptions, target: CollectorTarget, makeClient: () -> AtlasClient) -> KeysCollector? {
        KeysCollector()
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        let listing = KeyListing(client: context.client, targetName: context.targetName, logger: context.logger)
        let outcome = try listing.run(orgID: org.orgID, previous: org.lastGood)
        org.recordSuccess(outcome.snapshot, changes: outcome.changes)
        org.countMismatches += outcome.countMismatches
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        org.recordFailure(error)
        context.logger.error("poll of organization failed; keeping its last good inventory", metadata: [
            "target": "\(context.targetName)", "org_id": "\(org.orgID)", "reason": "\(error.reason)", "err": "\(error)"])
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        KeyFamilies.counts(scope) + KeyFamilies.changes(scope) + (options.keyInfo ? KeyFamilies.perKey(scope) : [])
    }
}
