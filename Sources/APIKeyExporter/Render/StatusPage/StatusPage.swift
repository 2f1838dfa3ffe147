#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The page `/` serves: per target, how its last cycle went; per org, what the last good listing held and how each
/// collector fared (failing rows stand out); and the last key changes counted. Plain HTML and the inline
/// stylesheet: no script, no external resource. Every value from the API or the configuration is escaped.
public enum StatusPage {
    public static func render(_ model: StatusPageModel, telemetryPath: String, now: Double = Date().timeIntervalSince1970) -> String {
        var html = HTML.head(title: "MongoDB API Key Exporter: status", telemetryPath: telemetryPath)
        let failingTargets = model.targets.filter(\.failing).count
        let summary = failingTargets == 0
            ? "<span class=\"ok\">All targets polled without failure.</span>"
            : "<span class=\"bad\">\(failingTargets) of \(model.targets.count) targets had failures in their last cycle.</span>"
        html += "<p id=\"summary\">\(summary) Poll interval \(HTML.duration(model.pollInterval)); "
            + "states published \(HTML.ago(model.publishedAt, now: now)).</p>\n"
        html += "<h2>Targets</h2>\n" + targets(model, now: now)
        for target in model.targets {
            html += orgs(target, columns: model.orgColumns, now: now)
        }
        html += changes(model.changes, now: now)
        return html + HTML.tail
    }

    static func targets(_ model: StatusPageModel, now: Double) -> String {
        var html = """
            <div class="wrap"><table id="targets"><thead><tr><th>Target</th><th>Base URL</th><th>Credential</th>\
            <th>Interval</th><th>Last cycle</th><th>Duration</th><th>Outcome</th><th>API requests</th>\
            <th>Rate limit remaining</th>\(headers(model.targetColumns))</tr></thead><tbody>

            """
        for target in model.targets {
            let outcome: String
            if target.completedCycles == 0 {
                outcome = "<span class=\"muted\">first cycle running</span>"
            } else {
                outcome = Self.outcome(target, now: now)
            }
            let credential = target.identity.map { "\(HTML.escape($0.credentialKind)) <code>\(HTML.escape($0.credentialID))</code>" }
            html += """
                <tr class="target\(target.failing ? " failing" : "")" data-target="\(HTML.escape(target.name))">\
                <td>\(HTML.escape(target.name))</td><td><code>\(HTML.escape(target.identity?.baseURL ?? "–"))</code></td>\
                <td>\(credential ?? "–")</td><td>\(HTML.duration(model.pollInterval))</td>\
                <td>\(HTML.ago(target.lastCycleStart, now: now))</td><td class="num">\(HTML.seconds(target.lastCycleDuration))</td>\
                <td>\(outcome)</td><td class="num">\(target.requests)\
                \(target.failedRequests > 0 ? " <span class=\"muted\">(\(target.failedRequests) not 2xx)</span>" : "")</td>\
                <td class="num">\(target.rateLimitRemaining.map(String.init) ?? "–")</td>\(cells(target.cells))</tr>

                """
        }
        return html + "</tbody></table></div>\n"
    }

    /// Discovery, the target collectors (each failure with its error) and the orgs, whatever failed.
    static func outcome(_ target: StatusPageModel.Target, now: Double) -> String {
        var parts: [String] = []
        if target.discoverySucceeded == false { parts.append("<span class=\"bad\">discovery failed</span>") }
        for name in target.failedCollectors {
            parts.append("<span class=\"bad collector-failed\">\(HTML.escape(name)) failed</span>")
        }
        parts += target.currentErrors.map { error($0, current: true, now: now) }
        let failing = target.orgs.filter(\.failing).count
        if failing > 0 { parts.append("<span class=\"bad\">\(failing) of \(target.orgs.count) orgs failing</span>") }
        return parts.isEmpty ? "<span class=\"ok\">ok</span>" : parts.joined(separator: "<br>")
    }

    static func orgs(_ target: StatusPageModel.Target, columns: [String], now: Double) -> String {
        var html = """
            <h2>Organizations of target <code>\(HTML.escape(target.name))</code> (\(target.orgs.count))</h2>
            <div class="wrap"><table class="orgs"><thead><tr><th>Organization</th><th>Id</th>\(headers(columns))\
            <th>Last success</th><th>Last error</th><th>Collectors</th></tr></thead><tbody>

            """
        if target.orgs.isEmpty {
            html += "<tr><td colspan=\"\(columns.count + 5)\" class=\"muted\">No organization polled yet.</td></tr>\n"
        }
        for org in target.orgs {
            html += """
                <tr class="org\(org.failing ? " failing" : "")" data-org-id="\(HTML.escape(org.id))">\
                <td>\(org.name.map(HTML.escape) ?? "<span class=\"muted\">–</span>")</td><td><code>\(HTML.escape(org.id))</code></td>\
                \(cells(org.cells))<td>\(HTML.ago(org.lastSuccess, now: now))</td>\
                <td class="err">\(error(org, now: now))</td><td>\(collectors(org))</td></tr>

                """
        }
        return html + "</tbody></table></div>\n"
    }

    /// The last cycle's errors, each with its collector and reason; else the latest older one, muted, as history.
    static func error(_ org: StatusPageModel.Org, now: Double) -> String {
        if !org.currentErrors.isEmpty {
            return org.currentErrors.map { error($0, current: true, now: now) }.joined(separator: "<br>")
        }
        return org.pastError.map { error($0, current: false, now: now) } ?? "<span class=\"muted\">none</span>"
    }

    static func error(_ error: OrgError, current: Bool, now: Double) -> String {
        """
        <span class="\(current ? "bad" : "muted") reason">\(HTML.escape(error.reason))</span> \
        <span class="muted">(\(HTML.escape(error.collector)), \(HTML.ago(error.at, now: now)))</span><br>\
        <span class="message">\(HTML.escape(error.message))</span>
        """
    }

    static func collectors(_ org: StatusPageModel.Org) -> String {
        org.collectorOutcomes.map { name, outcome in
            outcome.succeeded
                ? "<span class=\"ok\">\(HTML.escape(name)) ✓</span>"
                : "<span class=\"bad\">\(HTML.escape(name)) ✗</span>"
        }.joined(separator: " ")
    }

    static func changes(_ changes: [RecentChange], now: Double) -> String {
        var html = """
            <h2 id="recent-changes">Recent changes</h2>
            <p class="muted">The last \(RecentChanges.capacity) credential changes counted since start, newest first; \
            kept in memory only.</p>
            <div class="wrap"><table id="changes"><thead><tr><th>Time</th><th>Target</th><th>Organization</th><th>Change</th>\
            <th>Key id</th><th>Public key</th><th>Description</th><th>Roles before → after</th></tr></thead><tbody>

            """
        if changes.isEmpty {
            html += "<tr><td colspan=\"8\" class=\"muted\">No change counted yet.</td></tr>\n"
        }
        for change in changes {
            let org = change.orgName.map { "\(HTML.escape($0)) " } ?? ""
            html += """
                <tr class="change" data-key-id="\(HTML.escape(change.keyID))">\
                <td>\(HTML.ago(change.at, now: now))</td><td class="target">\(HTML.escape(change.target))</td><td>\(org)<code>\(HTML.escape(change.orgID))</code></td>\
                <td>\(HTML.escape(change.kind))</td><td><code>\(HTML.escape(change.keyID))</code></td>\
                <td><code>\(HTML.escape(change.publicKey))</code></td><td class="desc">\(HTML.escape(change.description))</td>\
                <td><code>\(roles(change.rolesBefore))</code> → <code>\(roles(change.rolesAfter))</code></td></tr>

                """
        }
        return html + "</tbody></table></div>\n"
    }

    private static func roles(_ text: String) -> String {
        text.isEmpty ? "–" : HTML.escape(text).replacing(",", with: ", ")
    }

    private static func headers(_ columns: [String]) -> String {
        columns.map { "<th>\(HTML.escape($0))</th>" }.joined()
    }

    /// A collector's cells: numbers and short text, right-aligned as counts are; "–" where there is none.
    private static func cells(_ cells: [StatusCell]) -> String {
        cells.map { cell in
            let css = cell.cssClass.map { "num \(HTML.escape($0))" } ?? "num"
            return "<td class=\"\(css)\">\(cell.text.map(HTML.escape) ?? "<span class=\"muted\">–</span>")</td>"
        }.joined()
    }
}
