import Foundation
import TestSupport
import Testing

/// Every alert of dashboards/alerts.yml points at its own section of docs/runbooks.md, and the example Alertmanager
/// configuration in deploy/alertmanager/ is one Alertmanager accepts.
@Suite("Runbooks and Alertmanager routing")
struct RunbookTests {
    static let root = Repository.root

    /// (alert name, its runbook_url or nil), in the order of alerts.yml: a rule runs from its `- alert:` line to the
    /// next rule or group.
    static func alertRunbooks() throws -> [(alert: String, url: String?)] {
        let rules = try String(contentsOf: root.appendingPathComponent("dashboards/alerts.yml"), encoding: .utf8)
        var result: [(alert: String, url: String?)] = []
        for line in rules.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("- alert: ") {
                result.append((String(text.dropFirst("- alert: ".count)), nil))
            } else if text.hasPrefix("- record: ") || text.hasPrefix("- name: ") {
                continue
            } else if text.hasPrefix("runbook_url: "), !result.isEmpty {
                let url = text.dropFirst("runbook_url: ".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
                #expect(result[result.count - 1].url == nil, "\(result[result.count - 1].alert) has two runbook_urls")
                result[result.count - 1].url = url
            }
        }
        return result
    }

    /// The anchors GitHub gives the `## ` headings of a Markdown file: lower case, spaces to hyphens, other
    /// punctuation dropped.
    static func anchors(_ markdown: String) -> Set<String> {
        Set(markdown.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { heading in
            String(heading.dropFirst(3).lowercased().compactMap { character -> Character? in
                if character == " " { return "-" }
                return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
            })
        })
    }

    @Test("every alert has a runbook_url docs/runbooks.md#<its name in lower case>, and that anchor is a heading there")
    func everyAlertHasARunbook() throws {
        let alerts = try Self.alertRunbooks()
        #expect(alerts.count == 32)
        let runbooks = try String(contentsOf: Self.root.appendingPathComponent("docs/runbooks.md"), encoding: .utf8)
        let anchors = Self.anchors(runbooks)
        for (alert, url) in alerts {
            let wanted = "docs/runbooks.md#\(alert.lowercased())"
            #expect(url == wanted, "\(alert): runbook_url \(url ?? "missing"), want \(wanted)")
            let anchor = url.flatMap { $0.split(separator: "#", maxSplits: 1).last.map(String.init) } ?? ""
            #expect(anchors.contains(anchor), "\(alert): no heading of docs/runbooks.md has the anchor #\(anchor)")
        }
        // No section for an alert that does not exist (a renamed alert leaves none behind).
        let names = Set(alerts.map { $0.alert.lowercased() })
        #expect(anchors.subtracting(names).isEmpty, "sections without an alert: \(anchors.subtracting(names).sorted())")
    }

    @Test("the anchor check itself: a heading's anchor is found, a missing one is not")
    func anchorRule() {
        let anchors = Self.anchors("# Title\n\n## MongoDBAPIKeyAdded\ntext\n### Sub\n## Two words, here\n")
        #expect(anchors == ["mongodbapikeyadded", "two-words-here"])
    }

    @Test("amtool check-config accepts deploy/alertmanager/alertmanager.yml; it groups by organization and routes by severity")
    func alertmanagerConfig() async throws {
        let path = Self.root.appendingPathComponent("deploy/alertmanager/alertmanager.yml").path
        let (status, output) = try await runTool("amtool", ["check-config", path])
        #expect(status == 0 && output.contains("SUCCESS"), "\(output)")
        let config = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        #expect(config.contains("group_by: [alertname, target, org_id, org_name]"))
        for severity in ["critical", "warning", "info"] {
            #expect(config.contains("matchers: ['severity=\"\(severity)\"']"), "no route for \(severity)")
        }
        // Every severity the rules use has its route.
        let rules = try String(contentsOf: Self.root.appendingPathComponent("dashboards/alerts.yml"), encoding: .utf8)
        let used = Set(rules.split(separator: "\n").compactMap { line -> String? in
            let text = line.trimmingCharacters(in: .whitespaces)
            return text.hasPrefix("severity: ") ? String(text.dropFirst("severity: ".count)) : nil
        })
        #expect(used == ["critical", "warning", "info"], "\(used)")
    }

    @Test("amtool routes a change alert by its severity, grouped by organization")
    func alertmanagerRouting() async throws {
        let path = Self.root.appendingPathComponent("deploy/alertmanager/alertmanager.yml").path
        let cases = [("critical", "security-pager"), ("warning", "security-chat"), ("info", "security-tickets")]
        for (severity, receiver) in cases {
            let (status, output) = try await runTool("amtool", [
                "config", "routes", "test", "--config.file", path, "--verify.receivers", receiver,
                "alertname=MongoDBAPIKeyAdded", "severity=\(severity)", "org_id=5f0000000000000000000001", "org_name=Payments",
            ])
            #expect(status == 0, "\(severity) -> \(receiver): \(output)")
        }
    }
}
