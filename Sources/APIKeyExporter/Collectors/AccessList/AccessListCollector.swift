#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `access_list` (`--collector.access-list`): every key's IP access list, one request per key per cycle, with at
/// most `--collector.access-list.concurrency` in flight on connections of its own. A collection is kept whole or
/// not at all: on a failure the summaries already known stay (for keys that still exist), marked stale.
final class AccessListCollector: OrgCollector {
    static let name = "access_list"
    /// Needs the org's current keys.
    static let needs: Set<SeamProduct> = [.keyInventory]

    private let pool: BlockingWorkerPool<AtlasClient>

    init(width: Int, makeClient: () -> AtlasClient) {
        pool = BlockingWorkerPool(width: width, label: "access-list", make: makeClient)
    }

    static func make(_ target: CollectorTarget) -> AccessListCollector? {
        let reading = target.settings[AccessListReading.self]
        return reading.enabled ? AccessListCollector(width: reading.concurrency, makeClient: target.makeClient) : nil
    }

    static func configLines(_ settings: CollectorSettings) -> [String] {
        let reading = settings[AccessListReading.self]
        return ["access_list: \(reading.enabled)", "access_list_concurrency: \(reading.concurrency)"]
    }

    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        guard let snapshot = org.lastGood else { return }
        let keyIDs = snapshot.keys.ids
        let orgID = org.orgID
        let results = pool.map(keyIDs) { client, keyID in
            Result { () throws(APIError) in
                let entries = try client.listAccessList(orgID: orgID, keyID: keyID)
                return AccessListSummary(entries: entries.count, lastUsed: entries.compactMap(\.lastUsedSeconds).max(),
                                         usage: AccessListUsage(entries))
            }
        }
        var summaries: [String: AccessListSummary] = [:]
        for (keyID, result) in zip(keyIDs, results) {
            summaries[keyID] = try result.get()
        }
        var state = org.accessLists ?? AccessListState()
        if state.hasCollected {
            for (keyID, summary) in summaries.sortedByKey {
                let before = state.summaries[keyID]?.usage.lastUsedAddress
                guard let after = summary.usage.lastUsedAddress, before != after else { continue }
                context.logger.info("api key used from a new address", metadata: [
                    "target": "\(context.targetName)", "org_id": "\(orgID)", "key_id": "\(keyID)",
                    "address_before": "\(before ?? "")", "address": "\(after)"])
            }
        }
        state.summaries = summaries
        state.lastCollectionSucceeded = true
        state.hasCollected = true
        org.accessLists = state
    }

    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {
        var state = org.accessLists ?? AccessListState()
        // Keep what was known for keys that still exist; the success gauge marks it stale.
        let keyIDs = Set(org.lastGood?.keys.ids ?? [])
        state.summaries = state.summaries.filter { keyIDs.contains($0.key) }
        state.lastCollectionSucceeded = false
        org.accessLists = state
        context.logger.error("access list collection failed; keeping the last known access lists", metadata: [
            "target": "\(context.targetName)", "org_id": "\(org.orgID)", "err": "\(error)"])
    }

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        AccessListFamilies.all(scope)
    }
}

/// What the access lists of an org's keys said at their last successful collection.
public struct AccessListSummary: Sendable, Equatable {
    /// Entries in the key's access list; 0 means the key works from any IP address.
    public var entries: Int
    /// The latest `lastUsed` over the entries (Unix seconds); nil when never used.
    public var lastUsed: Double?
    /// Requests through the entries and the address of the latest.
    public var usage: AccessListUsage

    public init(entries: Int, lastUsed: Double?, usage: AccessListUsage = AccessListUsage(requests: nil, lastUsedAddress: nil)) {
        self.entries = entries
        self.lastUsed = lastUsed
        self.usage = usage
    }
}

/// The access lists of every key of an org, collected as a whole or not at all.
public struct AccessListState: Sendable {
    /// By key id, from the last complete collection.
    public var summaries: [String: AccessListSummary] = [:]
    /// Whether the last collection completed; false marks `summaries` as stale.
    public var lastCollectionSucceeded = false
    /// Whether any collection ever completed; until then there is nothing to report but the failure.
    public var hasCollected = false

    public init() {}
}

extension OrgStatus {
    /// Nil unless the access-list collector is on and has run for this org.
    public var accessLists: AccessListState? {
        get { collected[AccessListState.self] }
        set { collected[AccessListState.self] = newValue }
    }
}
