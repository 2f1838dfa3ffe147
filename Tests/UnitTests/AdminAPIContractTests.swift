import APIKeyExporter
import AtlasSimulator
import TestSupport
import Testing

@Suite("AdminAPI: the in-memory API answers as AtlasClient does against the simulator")
struct AdminAPIContractTests {
    /// What an `AdminAPI` answers for one inventory: every endpoint, and the errors for unknown ids.
    struct Answers: Equatable, Sendable {
        struct Failure: Equatable, Sendable {
            var status: Int
            var errorCode: String?
            var detail: String?
        }

        var organizations: [Organization] = []
        var named: [Organization] = []
        var keys: [[APIKey]] = []
        var projects: [[Project]] = []
        var singleKeys: [APIKey] = []
        var accessLists: [[AccessListEntry]] = []
        var serviceAccounts: [[ServiceAccount]] = []
        var projectServiceAccounts: [[ServiceAccount]] = []
        var failures: [Failure?] = []
    }

    static func answers(of api: some AdminAPI, inventory: SimulatedInventory) -> Answers {
        var answers = Answers()
        var failures: [Answers.Failure?] = []
        /// Runs `call`, noting how it failed (nil: it did not).
        func note(_ call: () throws(APIError) -> Void) {
            do throws(APIError) {
                try call()
                failures.append(nil)
            } catch {
                guard case .http(let status, let body, _) = error else {
                    failures.append(Answers.Failure(status: 0, detail: "\(error)"))
                    return
                }
                failures.append(Answers.Failure(status: status, errorCode: body?.errorCode, detail: body?.detail))
            }
        }
        note { () throws(APIError) in answers.organizations = try api.listOrganizations() }
        for org in inventory.orgs {
            note { () throws(APIError) in
                answers.named.append(try api.organization(id: org.id))
                answers.keys.append(try api.listAPIKeys(orgID: org.id))
                answers.projects.append(try api.listProjects(orgID: org.id))
                answers.serviceAccounts.append(try api.listServiceAccounts(orgID: org.id))
                for project in org.projects {
                    answers.projectServiceAccounts.append(try api.listProjectServiceAccounts(projectID: project.id))
                }
            }
            // A key with an access list and one without (the generator gives some keys one).
            let sampled = [org.keys.first { !$0.accessList.isEmpty }, org.keys.first { $0.accessList.isEmpty }]
            for key in sampled.compactMap({ $0 }) {
                note { () throws(APIError) in
                    answers.singleKeys.append(try api.apiKey(orgID: org.id, keyID: key.id))
                    answers.accessLists.append(try api.listAccessList(orgID: org.id, keyID: key.id))
                }
            }
        }
        let missing = "0123456789abcdef01234567"
        note { () throws(APIError) in _ = try api.listAPIKeys(orgID: missing) }
        note { () throws(APIError) in _ = try api.apiKey(orgID: inventory.orgs[0].id, keyID: missing) }
        note { () throws(APIError) in _ = try api.listAccessList(orgID: inventory.orgs[0].id, keyID: missing) }
        answers.failures = failures
        return answers
    }

    @Test("every endpoint, paged listings and unknown ids included")
    func sameAnswers() async throws {
        // 620 keys: two pages, so the client's paging is part of what is compared.
        let inventory = InventoryGenerator(seed: 91, keysPerOrg: [620, 7, 0], projectsPerOrg: 3,
                                           serviceAccountsPerOrg: [7, 0, 3]).generate()
        let real = try await withSimulator(inventory) { _, running in
            let baseURL = running.baseURL()
            return try await offPool {
                Self.answers(of: AtlasClient(baseURL: baseURL, credentials: testCredentials), inventory: inventory)
            }
        }
        let memory = InMemoryAdminAPI(inventory)
        let remembered = Self.answers(of: memory, inventory: inventory)

        #expect(real.keys.map(\.count) == [620, 7, 0])
        #expect(real.accessLists.contains { !$0.isEmpty }, "the inventory has access lists to compare")
        #expect(real.failures.compactMap { $0 }.map(\.errorCode) == ["ORG_NOT_FOUND", "API_KEY_NOT_FOUND", "API_KEY_NOT_FOUND"])
        // Field by field, so that a difference is reported where it is.
        #expect(remembered.organizations == real.organizations)
        #expect(remembered.named == real.named)
        for (index, keys) in real.keys.enumerated() {
            #expect(remembered.keys.count > index && remembered.keys[index] == keys, "keys of org \(index)")
        }
        #expect(remembered.projects == real.projects)
        #expect(remembered.singleKeys == real.singleKeys)
        #expect(remembered.accessLists == real.accessLists)
        #expect(real.serviceAccounts.map(\.count).reduce(0, +) > 0, "the inventory has service accounts to compare")
        #expect(remembered.serviceAccounts == real.serviceAccounts)
        #expect(remembered.projectServiceAccounts == real.projectServiceAccounts)
        #expect(remembered.failures == real.failures)
        #expect(memory.requests.contains("/orgs/\(inventory.orgs[0].id)/apiKeys"))
    }

    @Test("a failure set on the in-memory API is what its endpoint throws")
    func injectedFailure() throws {
        let inventory = InventoryGenerator(seed: 92, keysPerOrg: [3]).generate()
        let memory = InMemoryAdminAPI(inventory)
        let path = "/orgs/\(inventory.orgs[0].id)/apiKeys"
        memory.failures[path] = .http(status: 503, body: nil, url: "memory:" + path)
        #expect(throws: APIError.http(status: 503, body: nil, url: "memory:" + path)) {
            try memory.listAPIKeys(orgID: inventory.orgs[0].id)
        }
        #expect(try memory.listProjects(orgID: inventory.orgs[0].id).count == inventory.orgs[0].projects.count)
    }
}
