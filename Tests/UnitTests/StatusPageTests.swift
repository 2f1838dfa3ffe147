@testable import APIKeyExporter
import Foundation
import Logging
import NIOCore
import Testing

@Suite("Status page: escaping, recent changes, identity, /config")
struct StatusPageTests {
    static let orgID = "5f0000000000000000000001"

    static func key(_ id: String, _ desc: String, _ roles: [String]) -> APIKey {
        APIKey(id: id, publicKey: "pk\(id.suffix(4))", desc: desc,
               roles: roles.map { RoleAssignment(scope: .organization, roleName: $0) })
    }

    @Test("every hostile character is escaped")
    func escaping() {
        #expect(HTML.escape("<script>alert('x')</script>\"&") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;")
        #expect(HTML.escape("Überwachung ✓") == "Überwachung ✓")
    }

    @Test("a changed key shows in the page, newest first, with hostile text escaped; failing orgs are marked")
    func rendersChangesAndFailures() {
        var org = OrgStatus(orgID: Self.orgID, orgName: "Team <b>")
        let before = [Self.key("6a0000000000000000000001", "old", ["ORG_MEMBER"])]
        org.recordSuccess(OrgSnapshot(orgID: Self.orgID, keys: before, completedAt: 1_000), changes: [])
        let after = [Self.key("6a0000000000000000000001", "old", ["ORG_OWNER"]),
                     Self.key("6a0000000000000000000002", "<script>x</script>", ["ORG_OWNER"])]
        let changes = InventoryDiff.changes(from: before, to: after)
        org.recordSuccess(OrgSnapshot(orgID: Self.orgID, keys: after, completedAt: 2_000), changes: changes)
        #expect(org.lastCycleChanges.count == 2)
        let error = APIError.http(status: 403, body: nil, url: "https://example.test/orgs")
        org.recordFailure(error)
        org.lastErrors["keys"] = OrgError(collector: "keys", error: error, at: 2_100)
        org.lastErrors["names"] = OrgError(collector: "names", error: .http(status: 500, body: nil, url: "u"), at: 10)

        var state = TargetState(name: "t<1>")
        state.lastCycleStart = 2_050
        state.orgs[Self.orgID] = org
        state.recentChanges.append(contentsOf: org.lastCycleChanges.map {
            KeysCollector.recent($0, at: 2_000, target: "t<1>", org: org)
        })
        let model = StatusPageModel([state], pollInterval: .seconds(300), publishedAt: 2_000)
        let cells = model.targets.first?.orgs.first?.cells ?? []
        #expect(model.orgColumns.firstIndex(of: "Keys").map { cells[$0].text } == "2")
        #expect(model.orgColumns.firstIndex(of: "ORG_OWNER keys").map { cells[$0].text } == "2")
        let page = StatusPage.render(model, telemetryPath: "/metrics", now: 2_180)

        #expect(page.contains("<tr class=\"org failing\" data-org-id=\"\(Self.orgID)\">"))
        #expect(page.contains("Team &lt;b&gt;") && !page.contains("Team <b>"))
        #expect(page.contains("&lt;script&gt;x&lt;/script&gt;") && !page.contains("<script>"))
        #expect(page.contains("3 min ago"))
        #expect(page.contains("<span class=\"bad reason\">auth</span>"))
        #expect(page.contains("HTTP 403 for https://example.test/orgs"))
        #expect(!page.contains("http_5xx"), "an error from before the last cycle is shown as current")
        #expect(page.contains("title=\"1970-01-01 00:33:20 UTC\""))
        #expect(page.contains("<code>ORG_MEMBER</code> → <code>ORG_OWNER</code>"))
        #expect(page.contains("Poll interval 5m"))
    }

    @Test("each org's security settings: yes or no, a weak one marked, one the API left out shown as none")
    func orgSettings() {
        var org = OrgStatus(orgID: Self.orgID, orgName: "Payments")
        org.orgSettings = OrgSettingsState(settings: OrgSettings(apiAccessListRequired: false, multiFactorAuthRequired: true,
                                                                 maxServiceAccountSecretValidityInHours: 720))
        var state = TargetState(name: "t")
        state.orgs[Self.orgID] = org
        let model = StatusPageModel([state], pollInterval: .seconds(300), publishedAt: 2_000)
        let cells = model.targets.first?.orgs.first?.cells ?? []
        func cell(_ column: String) -> StatusCell? { model.orgColumns.firstIndex(of: column).map { cells[$0] } }
        #expect(cell("API access list required") == StatusCell("no", cssClass: "bad"))
        #expect(cell("MFA required") == StatusCell("yes"))
        #expect(cell("Employee access restricted") == StatusCell(nil))
        #expect(cell("Max secret validity (h)") == StatusCell("720"))
        let page = StatusPage.render(model, telemetryPath: "/metrics", now: 2_180)
        #expect(page.contains("<th>API access list required</th>"))
        #expect(page.contains("<td class=\"num bad\">no</td>"))
    }

    @Test("recent changes keep the last 50, newest first over targets")
    func boundedChanges() throws {
        let added = InventoryDiff.changes(from: [], to: [Self.key("6a0000000000000000000001", "d", [])])
        let change = try #require(added.first)
        var first = RecentChanges()
        var second = RecentChanges()
        first.append(contentsOf: (0..<70).map { KeysCollector.recent(change, at: Double($0 * 2), target: "a", org: OrgStatus(orgID: "o")) })
        second.append(contentsOf: (0..<10).map { KeysCollector.recent(change, at: Double($0 * 2 + 1), target: "b", org: OrgStatus(orgID: "o")) })
        #expect(first.oldestFirst.count == RecentChanges.capacity)
        #expect(first.oldestFirst.first?.at == 40)
        let merged = RecentChanges.merged([first, second])
        #expect(merged.count == RecentChanges.capacity)
        #expect(merged.map(\.at) == merged.map(\.at).sorted(by: >))
        #expect(merged.first?.at == 138)
        #expect(merged.contains { $0.target == "b" } == false, "b's changes are all older than a's last 50")
    }

    @Test("a target is named by its URL without user info or query, and its credential's public half")
    func identity() {
        let keyed = TargetIdentity(baseURL: "https://user:pw@cloud.example/api/atlas/v2?token=abc#x",
                                   credentials: .apiKey(DigestCredentials(username: "pubkey", password: "private-key-123")))
        #expect(keyed.baseURL == "https://cloud.example/api/atlas/v2")
        #expect(keyed.credentialKind == "API key" && keyed.credentialID == "pubkey")
        let account = TargetIdentity(baseURL: "http://127.0.0.1:8080/api/atlas/v2", credentials: .serviceAccount(
            ServiceAccountCredentials(clientID: "mdb_sa_id_1", clientSecret: "mdb_sa_sk_2", tokenURL: "http://127.0.0.1/t")))
        #expect(account.credentialKind == "service account" && account.credentialID == "mdb_sa_id_1")
    }

    @Test("/config shows the running configuration with the private key replaced")
    func configPage() throws {
        var raw = RawSettings.defaults()
        raw.baseURL = "https://cloud.mongodb.com/api/atlas/v2"
        raw.orgIDs = [Self.orgID]
        let secret = "config-page-private-key-0001"
        let config = try ExporterConfig(raw, environment: ["MONGODB_ATLAS_PUBLIC_KEY": "pagepub", "MONGODB_ATLAS_PRIVATE_KEY": secret])
        let page = ConfigPage.render(config)
        #expect(!page.contains(secret))
        #expect(page.contains("public_key: &quot;pagepub&quot;"))
        #expect(page.contains("private_key: &quot;&lt;secret&gt;&quot;"))
        #expect(page.contains("org_ids: [&quot;\(Self.orgID)&quot;]"))
        #expect(page.contains("poll_interval: 5m"))
    }
}

@Suite("/config after a reload")
struct ConfigReloadPageTests {
    @Test("a reloaded target shows on /config at once, its secret redacted wherever else it appears")
    func reloadedTargetRedacted() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reload-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("exporter.yml")
        func target(_ name: String, secret: String, path: String) -> String {
            "  - name: \(name)\n    base_url: http://127.0.0.1:1/\(path)api/atlas/v2\n    public_key: pub\(name)\n    private_key: \(secret)\n"
        }
        try Data(("targets:\n" + target("first", secret: "start-secret-\(UUID().uuidString)", path: "")).utf8).write(to: file)
        var raw = RawSettings.defaults()
        raw.configFile = file.path
        let config = try ExporterConfig(raw, environment: [:])
        let page = ConfigPageSource(config)
        let poller = Poller(targets: [], interval: .seconds(3600), renderer: InventoryRenderer(), cache: ExpositionCache(),
                            logger: Logger(label: "test"))
        let applier = TargetApplier(configPage: page) { target in
            ExporterAssembly.makeTargetPoller(target, settings: CollectorSettings(), poll: PollOptions(), cpuGate: CPUGate(width: 1),
                                              logger: Logger(label: "test"))
        }
        try applier.apply(config.targets) { _ in }
        // A new secret, never registered before, that also stands in a field shown in clear (a path of the URL).
        let secret = "reloaded-secret-\(UUID().uuidString)"
        try Data(("targets:\n" + target("first", secret: "start-secret-2", path: "") + target("second", secret: secret, path: "\(secret)/")).utf8)
            .write(to: file)
        let reloader = ConfigReloader(path: file.path, applier: applier, poller: poller, status: ConfigReloadStatus(),
                                      logger: Logger(label: "test"))
        reloader.reload()
        let text = String(buffer: page.current)
        #expect(text.contains("name: &quot;second&quot;"), "the reloaded target is on the page")
        #expect(!text.contains(secret), "the new secret is shown in clear")
    }
}
