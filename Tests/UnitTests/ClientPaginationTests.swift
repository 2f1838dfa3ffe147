import APIKeyExporter
import AtlasSimulator
import Logging
import TestSupport
import Testing

@Suite("API client against the simulator")
struct ClientPaginationTests {
    static func inventory(keys: Int) -> SimulatedInventory {
        InventoryGenerator(seed: UInt64(keys) &+ 1, keysPerOrg: [keys], projectsPerOrg: 3).generate()
    }

    @Test("lists every key across pages", arguments: [0, 1, 499, 500, 501, 1234])
    func listsEveryKey(count: Int) async throws {
        let inventory = Self.inventory(keys: count)
        let org = inventory.orgs[0]
        try await withSimulator(inventory) { simulator, running in
            let baseURL = running.baseURL()
            let keys = try await offPool { try AtlasClient(baseURL: baseURL, credentials: testCredentials).listAPIKeys(orgID: org.id) }
            #expect(keys.map(\.id) == org.keys.map(\.id))
            #expect(keys.map(\.publicKey) == org.keys.map(\.publicKey))
            #expect(keys.map(\.desc) == org.keys.map(\.desc))
            for (key, expected) in zip(keys, org.keys) {
                let expectedRoles = expected.roles.map { role in
                    RoleAssignment(scope: role.projectID.map { .project($0) } ?? .organization, roleName: role.roleName)
                }
                #expect(key.roles == expectedRoles)
            }
            // itemsPerPage=500: one page per 500 keys, and one (empty) page for none.
            let expectedPages = max(1, (count + 499) / 500)
            #expect(simulator.stats.keyPages == expectedPages)
            // One Digest challenge for the first request; every page after that is one request, signed with its nonce.
            #expect(simulator.stats.challenges == 1)
            #expect(simulator.stats.requests == expectedPages + 1)
        }
    }

    @Test("a snapshot holds each distinct role once, however many keys and pages repeat it; keys refer to it by number")
    func rolesStoredOnce() async throws {
        let inventory = Self.inventory(keys: 1234)
        let org = inventory.orgs[0]
        try await withSimulator(inventory) { _, running in
            let baseURL = running.baseURL()
            let keys = try await offPool { try AtlasClient(baseURL: baseURL, credentials: testCredentials).listAPIKeys(orgID: org.id) }
            let entries = keys.reduce(0) { $0 + $1.roles.count }
            #expect(entries > 1000, "the inventory repeats its roles across many keys")
            let snapshot = OrgSnapshot(orgID: org.id, keys: keys, completedAt: 0)
            #expect(snapshot.keys.roles == Set(keys.flatMap(\.roles)).sorted())
            #expect(snapshot.keys.roles.count < 40, "a few distinct roles, held once each: \(snapshot.keys.roles.count)")
            #expect(Array(snapshot.keys) == keys.sorted { $0.id < $1.id }, "every key reads back with its roles")
        }
    }

    @Test("works under every base URL flavour", arguments: AtlasSimulator.prefixes)
    func everyPrefix(prefix: String) async throws {
        let inventory = Self.inventory(keys: 3)
        try await withSimulator(inventory) { _, running in
            let baseURL = running.baseURL(prefix)
            let (orgs, keys) = try await offPool {
                let client = AtlasClient(baseURL: baseURL, credentials: testCredentials)
                return (try client.listOrganizations(), try client.listAPIKeys(orgID: inventory.orgs[0].id))
            }
            #expect(orgs.map(\.id) == inventory.orgs.map(\.id))
            #expect(keys.count == 3)
        }
    }

    @Test("the v2 API refuses a plain JSON Accept header, so the client must send the versioned one")
    func versionedAcceptHeader() async throws {
        #expect(AtlasClient.acceptHeader(forBaseURL: "https://cloud.mongodb.com/api/atlas/v2") == "application/vnd.atlas.2023-01-01+json")
        #expect(AtlasClient.acceptHeader(forBaseURL: "https://cloud.mongodb.com/api/atlas/v1.0") == "application/json")
        #expect(AtlasClient.acceptHeader(forBaseURL: "https://om.example.com:8443/api/public/v1.0") == "application/json")
        try await withSimulator(Self.inventory(keys: 1)) { _, running in
            let url = running.baseURL("/api/atlas/v2") + "/orgs"
            let challenge = try await httpGet(url)
            #expect(challenge.status == 401)
            let nonce = try SimulatorTests.nonce(of: try #require(challenge.headers["www-authenticate"]))
            let authorization = SimulatorTests.authorization(nonce: nonce, uri: "/api/atlas/v2/orgs", nc: "00000001")
            let plain = try await httpGet(url, headers: ["Accept: application/json", "Authorization: \(authorization)"])
            #expect(plain.status == 406)
        }
    }

    @Test("an expired nonce is renewed once and the listing goes on; it is never an authentication error")
    func staleNonce() async throws {
        let inventory = Self.inventory(keys: 1234)
        // 8 s: long enough for a loaded CI machine to sign with a nonce before it expires (3 s was not: a CI run's
        // first poll failed), short enough to wait out.
        try await withSimulator(inventory, nonceLifetime: .seconds(8)) { simulator, running in
            let baseURL = running.baseURL()
            let counter = RequestCounter()
            // A request that timed out would be sent again on a new connection, whose first contact is one more
            // challenge than the count below allows: at the start of a full run a request once took over 10 s.
            let handle = PollerHandle(poller: TestTargets.make(
                baseURL, orgs: .configured([inventory.orgs[0].id]), collectors: CollectorOptions(orgConcurrency: 1, serviceAccounts: false, activityFeed: false), counter: counter,
                timeout: .seconds(60)))
            let (first, _) = try await handle.poll()
            #expect(first)
            try await Task.sleep(for: .milliseconds(8300))
            let (second, state) = try await handle.poll()
            #expect(second, "a stale nonce must not fail the poll")
            #expect(state.orgs[inventory.orgs[0].id]?.lastGood?.keys.count == 1234)
            // The first contact, then only expired nonces (stale=true; how many depends on the machine's speed).
            let stats = simulator.stats
            #expect(stats.staleChallenges >= 1)
            #expect(stats.challenges == 1 + stats.staleChallenges)
            #expect(counter.snapshot()["401"] == stats.challenges)
        }
    }

    @Test("stops at the first page without a next link; a length that differs from totalCount is read again")
    func stopsWithoutNextLink() async throws {
        let inventory = Self.inventory(keys: 1234)
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.omitNextLinkAfterPage = 1
            simulator.faults = faults
            let baseURL = running.baseURL()
            let (keys, mismatches) = try await offPool {
                var mismatches = 0
                let keys = try AtlasClient(baseURL: baseURL, credentials: testCredentials)
                    .listAPIKeys(orgID: inventory.orgs[0].id, countMismatches: &mismatches)
                return (keys, mismatches)
            }
            // totalCount is an estimate: two reads that agree are believed, and the mismatch is counted.
            #expect(simulator.stats.keyPages == 2)
            #expect(keys.count == 500)
            #expect(mismatches == 1)
        }
    }

    @Test("a totalCount that changes between pages discards the listing")
    func totalCountDrift() async throws {
        let inventory = Self.inventory(keys: 1234)
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.totalCountDrift = true
            simulator.faults = faults
            let baseURL = running.baseURL()
            let result = await offPoolResult { try AtlasClient(baseURL: baseURL, credentials: testCredentials).listAPIKeys(orgID: inventory.orgs[0].id) }
            guard case .failure(.inconsistent(let reason, _)) = result else {
                Issue.record("expected an inconsistent listing, got \(result)")
                return
            }
            #expect(reason == "totalCount changed from 1234 to 1235 at page 2")
        }
    }

    @Test("a key id seen twice fails the whole listing")
    func duplicateIDs() async throws {
        let inventory = Self.inventory(keys: 700)
        try await withSimulator(inventory) { simulator, running in
            var faults = SimulatorFaults()
            faults.duplicateKeyAcrossPages = true
            simulator.faults = faults
            let baseURL = running.baseURL()
            let result = await offPoolResult { try AtlasClient(baseURL: baseURL, credentials: testCredentials).listAPIKeys(orgID: inventory.orgs[0].id) }
            guard case .failure(.inconsistent(let reason, _)) = result else {
                Issue.record("expected an inconsistent-listing error, got \(result)")
                return
            }
            #expect(reason.contains(inventory.orgs[0].keys[499].id))
        }
    }

    @Test("wrong credentials surface as an authentication error")
    func wrongCredentials() async throws {
        let inventory = Self.inventory(keys: 2)
        try await withSimulator(inventory) { _, running in
            let baseURL = running.baseURL()
            let wrong = DigestCredentials(username: testPublicKey, password: "not-the-private-key")
            let result = await offPoolResult { try AtlasClient(baseURL: baseURL, credentials: wrong).listAPIKeys(orgID: inventory.orgs[0].id) }
            guard case .failure(let error) = result else {
                Issue.record("expected a failure")
                return
            }
            #expect(error.isAuthenticationFailure)
            #expect(error.reason == "auth")
            #expect(!"\(error)".contains("not-the-private-key"))
        }
    }

    @Test("an unknown org is a 404 with the API's error body decoded")
    func unknownOrg() async throws {
        try await withSimulator(Self.inventory(keys: 2)) { _, running in
            let baseURL = running.baseURL()
            let missing = "0123456789abcdef01234567"
            let result = await offPoolResult { try AtlasClient(baseURL: baseURL, credentials: testCredentials).listAPIKeys(orgID: missing) }
            guard case .failure(.http(let status, let body, _)) = result else {
                Issue.record("expected an HTTP error, got \(result)")
                return
            }
            #expect(status == 404)
            #expect(body?.errorCode == "ORG_NOT_FOUND")
            #expect(body?.detail == "No organization with ID \(missing) exists.")
        }
    }

    @Test("a 400 body is decoded (itemsPerPage above the API's maximum)")
    func badRequestBody() async throws {
        let inventory = Self.inventory(keys: 2)
        try await withSimulator(inventory) { _, running in
            let baseURL = running.baseURL()
            let result = await offPoolResult {
                try AtlasClient(baseURL: baseURL, credentials: testCredentials)
                    .page(path: "/orgs/\(inventory.orgs[0].id)/apiKeys", pageNum: 1, itemsPerPage: 501, of: APIKey.self)
            }
            guard case .failure(.http(400, let body, _)) = result else {
                Issue.record("expected HTTP 400, got \(result)")
                return
            }
            #expect(body == AtlasErrorBody(error: 400, errorCode: "INVALID_ATTRIBUTE",
                                           detail: "Invalid attribute itemsPerPage specified.", reason: "Bad Request"))
        }
    }

    @Test("nothing listens: a transport error with the curl code")
    func connectionRefused() async throws {
        let port = try freeLoopbackPort()
        let result = await offPoolResult {
            try AtlasClient(baseURL: "http://127.0.0.1:\(port)/api/atlas/v2", credentials: testCredentials).listOrganizations()
        }
        guard case .failure(.transport(let code, _, _)) = result else {
            Issue.record("expected a transport error, got \(result)")
            return
        }
        #expect(code == 7)  // CURLE_COULDNT_CONNECT
    }
}
