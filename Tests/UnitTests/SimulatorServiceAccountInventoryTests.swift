import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// Generated service accounts, their listing page by page, and the churn that changes them.
@Suite("Simulator: generated service accounts, paging and churn")
struct SimulatorServiceAccountInventoryTests {
    typealias Get = SimulatorRawGet
    static let clock: UInt32 = 1_800_000_000
    static let day: UInt32 = 86_400

    /// Follows `next` links from `first`; every client id listed, the page sizes, and every page's totalCount.
    static func listAll(_ running: RunningSimulator, _ first: String) async throws -> (ids: [String], sizes: [Int], totals: [Int], hrefs: [String]) {
        var ids: [String] = [], sizes: [Int] = [], totals: [Int] = [], hrefs: [String] = []
        var target: String? = first
        for _ in 0..<10 {
            guard let current = target else { break }
            let page = try await Get.get(running, current)
            #expect(page.status == 200)
            let results = try page.results()
            ids += results.compactMap { $0["clientId"] as? String }
            sizes.append(results.count)
            totals.append(try page.object()["totalCount"] as? Int ?? -1)
            target = try page.link("next")
            if let target { hrefs.append(target) }
        }
        return (ids, sizes, totals, hrefs)
    }

    @Test("500 accounts a page with next links; system-managed ones only with includeSystemManaged=true, on every page")
    func pagingAndSystemManaged() async throws {
        let generator = InventoryGenerator(seed: 17, keysPerOrg: [3], projectsPerOrg: 3, serviceAccountsPerOrg: [1_203],
                                           secretClock: Self.clock)
        let inventory = generator.generate()
        let accounts = inventory.orgs[0].serviceAccounts
        let visible = accounts.filter { !$0.isSystemManaged }.map(\.clientID)
        #expect(visible.count > 900 && visible.count < accounts.count, "some, not all, are system-managed")
        try await withSimulator(inventory) { _, running in
            let base = "/api/atlas/v2/orgs/\(inventory.orgs[0].id)/serviceAccounts"
            let plain = try await Self.listAll(running, "\(base)?itemsPerPage=500")
            #expect(plain.ids.elementsEqual(visible), "every visible account, in order")
            #expect(plain.sizes == [500, visible.count - 500])
            #expect(plain.totals.allSatisfy { $0 == visible.count })
            #expect(plain.hrefs.count == 1 && plain.hrefs.allSatisfy { $0.contains("pageNum=2&itemsPerPage=500") })

            let all = try await Self.listAll(running, "\(base)?itemsPerPage=500&includeSystemManaged=true")
            #expect(all.ids.elementsEqual(accounts.map(\.clientID)), "every account, in order")
            #expect(all.sizes == [500, 500, 203])
            #expect(all.totals.allSatisfy { $0 == 1_203 })
            #expect(all.hrefs.count == 2 && all.hrefs.allSatisfy { $0.contains("includeSystemManaged=true") })

            let firstPage = try await Get.get(running, "\(base)?includeSystemManaged=true").results()
            #expect(firstPage.count == 100, "the API's default page size")
            #expect(firstPage.contains { $0["isSystemManaged"] as? Bool == true })
            #expect(try await Get.get(running, "\(base)?itemsPerPage=501").status == 400)
        }
    }

    @Test("existing seeds generate the same inventory, without accounts; accounts do not move a seed's keys")
    func seedsUnchanged() {
        let plain = InventoryGenerator(seed: 7, keysPerOrg: [240, 35, 730], projectsPerOrg: 6).generate()
        #expect(plain.orgs.allSatisfy { $0.serviceAccounts.isEmpty })
        #expect(plain.orgs.map(\.keys.count) == [240, 35, 730])
        var withAccounts = InventoryGenerator(seed: 7, keysPerOrg: [240, 35, 730], projectsPerOrg: 6,
                                              serviceAccountsPerOrg: [6, 2, 9], secretClock: Self.clock).generate()
        #expect(withAccounts.orgs.map(\.serviceAccounts.count) == [6, 2, 9])
        for index in withAccounts.orgs.indices { withAccounts.orgs[index].serviceAccounts = [] }
        #expect(withAccounts == plain)
    }

    @Test("generated accounts: deterministic, every expiry band, unused secrets, owners, projects, system-managed")
    func generatedSpread() throws {
        let generator = InventoryGenerator(seed: 23, keysPerOrg: [0, 0], projectsPerOrg: 4, serviceAccountsPerOrg: [20, 15],
                                           secretClock: Self.clock)
        let inventory = generator.generate()
        #expect(inventory == generator.generate())
        let accounts = inventory.orgs.flatMap(\.serviceAccounts)
        #expect(accounts.count == 35)
        #expect(Set(accounts.map(\.clientID)).count == 35)
        let clientIDPattern = try Regex("^mdb_sa_id_[0-9a-f]{24}$")
        #expect(accounts.allSatisfy { $0.clientID.wholeMatch(of: clientIDPattern) != nil })
        let secrets = accounts.flatMap(\.secrets)
        #expect(accounts.allSatisfy { (1...3).contains($0.secrets.count) })
        let clock = Self.clock, day = Self.day
        #expect(secrets.contains { $0.expires < clock }, "already expired")
        #expect(secrets.contains { $0.expires > clock && $0.expires < clock + 3 * day }, "within 3 days")
        #expect(secrets.contains { $0.expires > clock + 3 * day && $0.expires < clock + 14 * day }, "within 14 days")
        #expect(secrets.contains { $0.expires > clock + 14 * day }, "later")
        #expect(secrets.contains { $0.lastUsed == nil } && secrets.contains { $0.lastUsed != nil })
        #expect(secrets.contains { $0.milliseconds != nil } && secrets.contains { $0.milliseconds == nil })
        for secret in secrets {
            #expect(secret.created < clock && secret.created < secret.expires)
            #expect((8 * 3_600...365 * day).contains(secret.expires - secret.created))
            if let used = secret.lastUsed { #expect(used >= secret.created && used <= min(clock, secret.expires)) }
        }
        #expect(accounts.allSatisfy { account in account.secrets.allSatisfy { $0.created >= account.created } })
        #expect(accounts.contains { $0.orgRoles.contains("ORG_OWNER") })
        #expect(accounts.contains { !$0.projectRoles.isEmpty })
        let projectIDs = Set(inventory.orgs.flatMap(\.projects).map(\.id))
        #expect(accounts.allSatisfy { Set($0.projectRoles.keys).isSubset(of: projectIDs) })
        let system = accounts.filter(\.isSystemManaged).count
        #expect(system > 0 && system < 10)
    }

    @Test("rotating a secret keeps the older ones at most 7 days")
    func rotation() {
        var account = SimulatedServiceAccount(
            clientID: "mdb_sa_id_000000000000000000000001", name: "a", created: Self.clock - 100 * Self.day, orgRoles: [],
            secrets: [SimulatedSecret(id: "1", created: Self.clock - 90 * Self.day, expires: Self.clock + 200 * Self.day),
                      SimulatedSecret(id: "2", created: Self.clock - 9 * Self.day, expires: Self.clock + 2 * Self.day)])
        account.rotate(to: SimulatedSecret(id: "3", created: Self.clock, expires: Self.clock + 90 * Self.day))
        #expect(account.secrets.map(\.expires) == [Self.clock + 7 * Self.day, Self.clock + 2 * Self.day, Self.clock + 90 * Self.day])
    }

    @Test("churn adds and removes accounts, rotates secrets and changes org roles; orgs without accounts keep none")
    func churn() {
        let generator = InventoryGenerator(seed: 29, keysPerOrg: [10, 10], projectsPerOrg: 3, serviceAccountsPerOrg: [8],
                                           secretClock: Self.clock)
        let start = generator.generate()
        let later = Self.clock + 5 * Self.day
        let simulator = AtlasSimulator(inventory: start, users: [:])
        let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 29, clock: { later })
        var added = 0, removed = 0
        var rotated = false, rolesChanged = false
        for _ in 0..<400 {
            let before = simulator.inventory.orgs[0].serviceAccounts
            churn.step()
            let after = simulator.inventory.orgs[0].serviceAccounts
            let (beforeIDs, afterIDs) = (Set(before.map(\.clientID)), Set(after.map(\.clientID)))
            added += afterIDs.subtracting(beforeIDs).count
            removed += beforeIDs.subtracting(afterIDs).count
            for account in after {
                guard let old = before.first(where: { $0.clientID == account.clientID }) else { continue }
                if old.orgRoles != account.orgRoles { rolesChanged = true }
                if let newest = account.secrets.last, newest.created == later, old.secrets.last != newest {
                    rotated = true
                    #expect(account.secrets.dropLast().allSatisfy { $0.expires <= later + 7 * Self.day })
                    #expect(account.secrets.count <= 3)
                }
            }
        }
        #expect(added > 0 && removed > 0, "accounts were added (\(added)) and removed (\(removed))")
        #expect(rotated)
        #expect(rolesChanged)
        #expect(simulator.inventory.orgs[1].serviceAccounts.isEmpty)
        #expect(simulator.inventory.orgs[1].keys != start.orgs[1].keys, "keys still change")

        let again = AtlasSimulator(inventory: start, users: [:])
        let twin = InventoryChurn(simulator: again, generator: generator, seed: 29, clock: { later })
        for _ in 0..<400 { twin.step() }
        #expect(again.inventory == simulator.inventory, "a seed makes the same changes")
    }
}
