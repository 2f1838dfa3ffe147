import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// Listings a server can make endless or huge, `totalCount` as the estimate the API says it is, ids that are not
/// safe in a path, and redirects.
@Suite("Listings: bounded, estimates tolerated, safe ids, redirects")
struct ListingBoundsTests {
    static func client(_ baseURL: String, limits: ListingLimits) -> AtlasClient {
        var options = TransportOptions()
        options.listingLimits = limits
        return AtlasClient(baseURL: baseURL, credentials: testCredentials, options: options)
    }

    @Test("an endless listing of 10 KB descriptions stops at the byte bound with reason too_large")
    func endlessByBytes() async throws {
        let inventory = InventoryGenerator(seed: 101, keysPerOrg: [3]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.endlessKeyPagesDescriptionBytes = 10_000
            simulator.faults = faults
            let baseURL = running.baseURL()
            let limits = ListingLimits(maxItems: 200_000, maxBytes: 32 << 20)
            let orgID = inventory.orgs[0].id
            let result = await offPoolResult { try Self.client(baseURL, limits: limits).listAPIKeys(orgID: orgID) }
            guard case .failure(let error) = result else {
                Issue.record("an endless listing was accepted")
                return
            }
            #expect(error.reason == "too_large", "\(error)")
            // Each page is about 5 MB: the bound is reached within the seventh page.
            #expect(simulator.stats.keyPages <= 8, "\(simulator.stats.keyPages) pages read")
        }
    }

    @Test("an endless listing stops at the item bound")
    func endlessByItems() async throws {
        let inventory = InventoryGenerator(seed: 102, keysPerOrg: [3]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.endlessKeyPagesDescriptionBytes = 10
            simulator.faults = faults
            let baseURL = running.baseURL()
            let limits = ListingLimits(maxItems: 2_000, maxBytes: 512 << 20)
            let orgID = inventory.orgs[0].id
            let result = await offPoolResult { try Self.client(baseURL, limits: limits).listAPIKeys(orgID: orgID) }
            guard case .failure(.tooLarge(let reason, _)) = result else {
                Issue.record("expected too large, got \(result)")
                return
            }
            #expect(reason == "more than 2000 items")
            #expect(simulator.stats.keyPages == 5)
        }
    }

    @Test("the key table (what polls read) is held to the same rules: item bound, and a repeated id refused at its page")
    func keyTableBounds() async throws {
        let inventory = InventoryGenerator(seed: 103, keysPerOrg: [1_200]).generate()
        try await withSimulator(inventory) { simulator, running in
            let baseURL = running.baseURL()
            let orgID = inventory.orgs[0].id
            var faults = SimulatorFaults()
            faults.endlessKeyPagesDescriptionBytes = 10
            simulator.faults = faults
            let limits = ListingLimits(maxItems: 2_000, maxBytes: 512 << 20)
            let endless = await offPoolResult { () throws(APIError) -> KeyTable in
                var mismatches = 0
                return try Self.client(baseURL, limits: limits).listAPIKeyTable(orgID: orgID, countMismatches: &mismatches)
            }
            guard case .failure(.tooLarge(let reason, _)) = endless else {
                Issue.record("expected too large, got \(endless)")
                return
            }
            #expect(reason == "more than 2000 items")

            faults = SimulatorFaults()
            faults.duplicateKeyAcrossPages = true
            simulator.faults = faults
            let pagesBefore = simulator.stats.keyPages
            let repeated = await offPoolResult { () throws(APIError) -> KeyTable in
                var mismatches = 0
                return try Self.client(baseURL, limits: ListingLimits()).listAPIKeyTable(orgID: orgID, countMismatches: &mismatches)
            }
            guard case .failure(.inconsistent(let why, _)) = repeated else {
                Issue.record("expected inconsistent, got \(repeated)")
                return
            }
            #expect(why.hasSuffix("listed twice (page 2)"), "\(why)")
            #expect(simulator.stats.keyPages - pagesBefore == 2, "refused at the page that repeats, not after the last")
        }
    }

    @Test("a totalCount off by a constant is an estimate: a second read agrees, the listing is accepted and counted")
    func estimateAccepted() async throws {
        let inventory = InventoryGenerator(seed: 104, keysPerOrg: [700]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.totalCountOffset = 3
            simulator.faults = faults
            let baseURL = running.baseURL()
            let limits = ListingLimits()
            let orgID = inventory.orgs[0].id
            let (keys, mismatches) = try await offPool {
                var mismatches = 0
                let keys = try Self.client(baseURL, limits: limits).listAPIKeys(orgID: orgID, countMismatches: &mismatches)
                return (keys, mismatches)
            }
            #expect(keys.map(\.id) == inventory.orgs[0].keys.map(\.id))
            #expect(mismatches == 1)
            #expect(simulator.stats.keyPages == 4, "two reads of two pages")
        }
    }

    @Test("the poller counts the accepted estimate per org, and logs it")
    func estimateCounted() async throws {
        let inventory = InventoryGenerator(seed: 105, keysPerOrg: [40]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.totalCountOffset = -1
            simulator.faults = faults
            let sink = LogSink.capturing()
            let orgID = inventory.orgs[0].id
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .configured([orgID]), sink: sink))
            let (ok, state) = try await handle.poll()
            #expect(ok)
            #expect(state.orgs[orgID]?.collectorHealth["keys"]?.listingCountMismatches == 1)
            #expect(state.orgs[orgID]?.lastGood?.keys.count == 40)
            #expect(sink.captured.contains { $0.contains("totalCount (an estimate)") })
            let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
            #expect(text.contains("mongodb_apikey_exporter_listing_count_mismatch_total{target=\"default\",collector=\"keys\",org_id=\"\(orgID)\"} 1"))
        }
    }

    @Test("pages that move between the two reads are still inconsistent")
    func movedPages() async throws {
        let inventory = InventoryGenerator(seed: 106, keysPerOrg: [700]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.omitNextLinkAfterPage = 1        // the first read ends after 500 of 700: a mismatch
            faults.deleteFirstKeyAfterKeyPages = 1  // and a key is deleted before the second read
            simulator.faults = faults
            let baseURL = running.baseURL()
            let limits = ListingLimits()
            let orgID = inventory.orgs[0].id
            let result = await offPoolResult { try Self.client(baseURL, limits: limits).listAPIKeys(orgID: orgID) }
            guard case .failure(.inconsistent(let reason, _)) = result else {
                Issue.record("expected inconsistent, got \(result)")
                return
            }
            #expect(reason.contains("second read"))
        }
    }

    @Test("org ids from GET /orgs that are not safe path segments are never requested, and count as failed")
    func unsafeOrgIDs() async throws {
        let inventory = InventoryGenerator(seed: 107, keysPerOrg: [5, 6]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.extraOrgIDs = ["..", "a/b", "%2e%2e", "../../v2"]
            simulator.faults = faults
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .discover, sink: sink))
            let (ok, state) = try await handle.poll()
            #expect(!ok)
            for id in faults.extraOrgIDs {
                #expect(state.orgs[id]?.lastPollSucceeded == false)
                #expect(state.orgs[id]?.collectorHealth["discovery"]?.errorCounts["decode"] == 1)
            }
            for org in inventory.orgs {
                #expect(state.orgs[org.id]?.lastPollSucceeded == true)
            }
            let validIDs = Set(inventory.orgs.map(\.id))
            for path in simulator.stats.recentPaths where path != "/api/atlas/v2/orgs" {
                let parts = path.split(separator: "/", omittingEmptySubsequences: false)
                // /api/atlas/v2/orgs/{id}/...
                #expect(parts.count > 5 && parts[4] == "orgs" && validIDs.contains(String(parts[5])), "requested \(path)")
            }
            #expect(sink.captured.filter { $0.contains("not an organization id") }.count == 4)
        }
    }

    @Test("a 3xx answer is counted as http_3xx and never followed")
    func redirect() async throws {
        let inventory = InventoryGenerator(seed: 108, keysPerOrg: [5]).generate()
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.statusForPathSuffix = ["/apiKeys": 302]
            simulator.faults = faults
            let orgID = inventory.orgs[0].id
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .configured([orgID])))
            let (ok, state) = try await handle.poll()
            #expect(!ok)
            #expect(state.orgs[orgID]?.collectorHealth["keys"]?.errorCounts["http_3xx"] == 1)
            #expect(state.orgs[orgID]?.collectorHealth["keys"]?.errorCounts["http_4xx"] == 0)
        }
    }

    @Test("byte sizes and listing limits in the config file")
    func configFileLimits() throws {
        let yaml = "targets:\n  - name: t\n    public_key: p\n    private_key: s3cret-value\n    max_listing_items: 5000\n"
            + "    max_listing_size: 2GiB\n    service_accounts: false\n    activity_feed: false\n"
        let targets = try ConfigFile.parse(yaml, file: "l.yml", environment: [:])
        #expect(targets[0].transport.listingLimits == ListingLimits(maxItems: 5000, maxBytes: 2 << 30))
        #expect(targets[0].collectors.value(CollectorSwitches.self)?["service_accounts"] == false
                && targets[0].collectors.value(CollectorSwitches.self)?["activity_feed"] == false)
        for bad in ["max_listing_items: 0", "max_listing_items: lots", "max_listing_size: 10", "max_listing_size: 99999999999999999999GiB"] {
            do {
                _ = try ConfigFile.parse("targets:\n  - name: t\n    public_key: p\n    private_key: s3cret-value\n    \(bad)\n",
                                         file: "l.yml", environment: [:])
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.field.hasPrefix("l.yml:5: targets[0].max_listing_"), "\(error)")
            }
        }
    }
}
