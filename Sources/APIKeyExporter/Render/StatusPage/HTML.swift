import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport
#if canImport(Glibc)
import Glibc
#endif

/// Building blocks of the exporter's HTML pages: escaping, times, the shared stylesheet and the headers that
/// forbid everything the pages do not need (no script, no external resource, no framing).
public enum HTML {
    /// Every value that is not a literal of ours goes through here: names and descriptions are hostile input.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// The one stylesheet, inline; the Content-Security-Policy allows exactly it, by hash.
    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;padding:0 12px 24px;max-width:1400px;color:#1d1d1f}\
        h1{font-size:1.4em;margin:12px 0 4px}h2{font-size:1.15em;margin:20px 0 6px}\
        nav a{margin-right:12px}.muted{color:#666}.wrap{overflow-x:auto}\
        table{border-collapse:collapse;width:100%;margin:4px 0}\
        th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #ddd;vertical-align:top}\
        th{background:#f4f4f6;white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums}\
        tr.failing td{background:#fde8e8}tr.failing td:first-child{border-left:4px solid #c62828}\
        .bad{color:#b71c1c;font-weight:600}.ok{color:#2e7d32}code,pre{font:12px/1.4 ui-monospace,monospace}\
        pre{background:#f4f4f6;padding:8px;overflow-x:auto}.err{min-width:18em;max-width:40em;overflow-wrap:anywhere}\
        @media (max-width:700px){body{font-size:13px}th,td{padding:3px 4px}}
        """

    /// `Content-Security-Policy` of the pages: only the inline stylesheet above (by its SHA-256) and nothing else.
    static let contentSecurityPolicy: String = {
        let digest = Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'sha256-\(digest)'; img-src 'self' data:; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'"
    }()

    /// The header and navigation every page starts with.
    static func head(title: String, telemetryPath: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">\
        <meta name="viewport" content="width=device-width, initial-scale=1">\
        <title>\(escape(title))</title><style>\(style)</style></head>
        <body>
        <h1>MongoDB API Key Exporter</h1>
        <p class="muted">Version \(escape(BuildInfo.version)) (revision \(escape(BuildInfo.revision)))</p>
        <nav><a href="/">Status</a><a href="\(escape(telemetryPath))">Metrics</a><a href="/config">Configuration</a>\
        <a href="/-/healthy">Health</a><a href="/-/ready">Readiness</a></nav>

        """
    }

    static let tail = "</body></html>\n"

    /// `2024-05-01 12:00:00 UTC`.
    static func timestamp(_ unixTime: Double) -> String {
        utc(unixTime, "%Y-%m-%d %H:%M:%S UTC")
    }

    /// `2024-05-01T12:00:00Z`, for `<time datetime>`.
    static func iso(_ unixTime: Double) -> String {
        utc(unixTime, "%Y-%m-%dT%H:%M:%SZ")
    }

    /// strftime in UTC: no formatter object per call, and nothing locale-dependent.
    private static func utc(_ unixTime: Double, _ format: String) -> String {
        guard unixTime.isFinite, abs(unixTime) < 1e11 else { return "?" }
        var seconds = time_t(unixTime.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "?" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `3 min ago`, with the timestamp on hover; `never` for nil.
    static func ago(_ unixTime: Double?, now: Double) -> String {
        guard let unixTime else { return "<span class=\"muted\">never</span>" }
        return "<time datetime=\"\(iso(unixTime))\" title=\"\(timestamp(unixTime))\">\(relative(now - unixTime))</time>"
    }

    static func relative(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "just now" }
        switch seconds {
        case ..<5: return "just now"
        case ..<90: return "\(Int(seconds)) s ago"
        case ..<(90 * 60): return "\(Int((seconds / 60).rounded())) min ago"
        case ..<(36 * 3600): return "\(Int((seconds / 3600).rounded())) h ago"
        default: return "\(Int(min(seconds / 86_400, 1e6).rounded())) d ago"
        }
    }

    /// `1.234 s`, `250 ms`.
    static func seconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return value < 1 ? "\(Int((value * 1000).rounded())) ms" : value.fixed(decimals: 2) + " s"
    }

    /// `5m`, `30s`, `1h30m`: a duration as the flags spell it.
    static func duration(_ duration: Duration?) -> String {
        guard let duration else { return "–" }
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        guard milliseconds % 1000 == 0 else { return "\(milliseconds)ms" }
        var rest = milliseconds / 1000
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text.isEmpty ? "0s" : text
    }
}
