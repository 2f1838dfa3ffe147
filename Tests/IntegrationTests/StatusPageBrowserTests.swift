import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The status page as a person sees it: the binary polls the simulator, and headless Chromium loads `/`.
@Suite("Status page in a real browser", .serialized)
struct StatusPageBrowserTests {
    static let hostileDescription = "<script>document.title='pwned'</script>\"'&"
    static let hostileOrgName = "Org <img src=x onerror=\"document.title='pwned'\">"
    static let title = "<title>MongoDB API Key Exporter: status</title>"

    /// The `<tr>` of the org whose id is `orgID`, as Chromium serialised it; empty if there is none.
    static func orgRow(_ dom: String, _ orgID: String) -> Substring {
        row(dom, "data-org-id", orgID)
    }

    /// The first `<tr>` whose `attribute` is `value`; empty if there is none.
    static func row(_ dom: String, _ attribute: String, _ value: String) -> Substring {
        guard let start = dom.range(of: "\(attribute)=\"\(value)\"") else { return "" }
        let rest = dom[start.lowerBound...]
        let end = rest.range(of: "</tr>")?.upperBound ?? rest.endIndex
        let rowStart = dom[..<start.lowerBound].range(of: "<tr", options: .backwards)?.lowerBound ?? start.lowerBound
        return dom[rowStart..<end]
    }

    /// Polls `/` over HTTP (bounded) until `condition` holds, so the browser loads a page that already has it.
    static func waitForPage(port: Int, _ what: String, _ condition: (String) -> Bool) async throws {
        let shown = try await eventually(timeout: .seconds(60), interval: .milliseconds(200)) { () async throws -> Bool? in
            condition(String(decoding: try await httpGet("http://127.0.0.1:\(port)/").body, as: UTF8.self)) ? true : nil
        }
        if shown == nil { Issue.record("the page never showed \(what)") }
    }

    @Test("/ shows every org with its key count, a failing org as failing, the recent changes, hostile text as text")
    func statusPageInChromium() async throws {
        var inventory = InventoryGenerator(seed: 211, keysPerOrg: [7, 12, 3]).generate()
        inventory.orgs[1].name = Self.hostileOrgName
        try await withSimulator(inventory) { simulator, running in
            let exporter = try ExporterProcess(
                arguments: ["--atlas.base-url", running.baseURL(), "--web.listen-address", "127.0.0.1:0",
                            "--poll.interval", "1s", "--no-collector.service-accounts"],
                environment: testEnvironment)
            let port = try await exporter.waitForListeningPort()
            try await exporter.waitUntilReady(port: port)
            let url = "http://127.0.0.1:\(port)/"
            try await Self.waitForPage(port: port, "every org's name") { page in
                inventory.orgs.allSatisfy { page.contains("data-org-id=\"\($0.id)\"") } && page.contains("onerror=")
            }

            let headers = try await httpGet(url).headers
            #expect(headers["content-type"] == "text/html; charset=utf-8")
            #expect(headers["content-security-policy"]?.hasPrefix("default-src 'none'; style-src 'sha256-") == true)
            #expect(headers["x-content-type-options"] == "nosniff")
            #expect(headers["referrer-policy"] == "no-referrer")

            // Every org of the inventory, with its key count; the hostile org name as text.
            let first = try await Chromium.dumpDOM(url)
            #expect(first.contains(Self.title))
            for org in inventory.orgs {
                let row = Self.orgRow(first, org.id)
                #expect(row.contains("<td class=\"num keys\">\(org.keys.count)</td>"), "org \(org.id): \(row)")
                #expect(!row.contains("class=\"org failing\""), "org \(org.id) failing: \(row)")
            }
            #expect(first.contains("Org &lt;img src=x onerror=\"document.title='pwned'\"&gt;"))
            #expect(!first.contains("<img"))

            // A churn step: a key with a hostile description is added; the recent changes list it, as text.
            let added = SimulatedKey(id: "6a0000000000000000000001", publicKey: "hostilek", desc: Self.hostileDescription,
                                     roles: [.org(inventory.orgs[0].id, "ORG_OWNER")])
            simulator.mutate { $0.orgs[0].keys.append(added) }
            try await Self.waitForPage(port: port, "the added key") { $0.contains("data-key-id=\"\(added.id)\"") }
            let changed = try await Chromium.dumpDOM(url)
            #expect(changed.contains(Self.title), "a script ran: the title changed")
            #expect(!changed.contains("<script"), "a <script> element reached the DOM")
            let change = Self.row(changed, "data-key-id", added.id)
            #expect(change.contains("<td>added</td>"), "\(change)")
            #expect(change.contains("hostilek"))
            #expect(change.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;\"'&amp;"), "\(change)")
            #expect(change.contains("ORG_OWNER"))
            #expect(Self.orgRow(changed, inventory.orgs[0].id).contains("<td class=\"num keys\">\(inventory.orgs[0].keys.count + 1)</td>"))

            // A fault for one org: its row is marked failing, with the reason; the others are not.
            let failingOrg = inventory.orgs[2].id
            var faults = SimulatorFaults()
            faults.statusForPathSuffix = ["\(failingOrg)/apiKeys": 403]
            simulator.faults = faults
            try await Self.waitForPage(port: port, "the failing org") { page in
                Self.orgRow(page, failingOrg).contains("class=\"org failing\"")
            }
            let failing = try await Chromium.dumpDOM(url)
            let row = Self.orgRow(failing, failingOrg)
            #expect(row.contains("class=\"org failing\""), "\(row)")
            #expect(row.contains(">auth</span>"), "\(row)")
            #expect(row.contains("403"), "\(row)")
            #expect(row.contains("<td class=\"num keys\">\(inventory.orgs[2].keys.count)</td>"), "last good count kept: \(row)")
            #expect(!Self.orgRow(failing, inventory.orgs[0].id).contains("failing"))

            let screenshot = FileManager.default.temporaryDirectory.appendingPathComponent("status-\(UUID().uuidString).png")
            defer { try? FileManager.default.removeItem(at: screenshot) }
            try await Chromium.screenshot(url, to: screenshot.path)
            let png = try Data(contentsOf: screenshot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
            #expect(png.count > 20_000, "a \(png.count)-byte screenshot is too small to show the page")
            #expect(try await exporter.terminate() == 0)
        }
    }
}
