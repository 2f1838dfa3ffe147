import Foundation

/// The benchmark's printed table.
struct Report {
    let run: BenchmarkRun
    let rows: [BenchmarkRun.Row]
    let throughput: Throughput.Comparison
    /// Resident size with the server up, before the first cycle, and after the last one (the inventory held).
    let idleRSS: Int
    let settledRSS: Int
    /// The same, anonymous memory only.
    let idleAnonymous: Int
    let settledAnonymous: Int

    var text: String {
        func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        func ms(_ value: Double?) -> String { value.map { String(format: "%.2f ms", $0) } ?? "-" }
        let minimum = run.keyPages + 1
        var lines = [
            "mongodb_apikey_exporter benchmark: \(run.orgs) orgs, \(run.keys) keys (\(run.keyPages) key pages + 1 org page), "
                + "per-key families \(run.keyInfo ? "on" : "off"); \(run.pollConcurrency) orgs at once; "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores; "
                + "\(run.scrapeConnections) wrk connection\(run.scrapeConnections == 1 ? "" : "s") on /metrics from cycle 2"
                + (run.gzip ? " (Accept-Encoding: gzip, as Prometheus)" : " (no gzip)"),
            "",
            "cycle | wall s | CPU s | peak RSS | peak anon | requests (401 / 200) | minimum | connections | exposition (held deflated) | /metrics p50 | p99",
            "----- | ------ | ----- | -------- | --------- | -------------------- | ------- | ----------- | ------------------------- | ------------ | ---",
        ]
        for row in rows {
            lines.append([
                "\(row.cycle)", String(format: "%.2f", row.wall), String(format: "%.2f", row.cpu), mb(row.peakRSS), mb(row.peakAnonymous),
                "\(row.requests) (\(row.challenges) / \(row.ok))", "\(minimum)", "\(row.connections)", "\(mb(row.exposition)) (\(mb(row.deflated)))",
                ms(row.latency?.p50), ms(row.latency?.p99),
            ].joined(separator: " | "))
        }
        lines.append("")
        lines.append("Resident size: \(mb(idleRSS)) before the first cycle, \(mb(settledRSS)) after the last (inventory and exposition held); "
                     + "anonymous: \(mb(idleAnonymous)), then \(mb(settledAnonymous)).")
        lines.append("peak anon: anonymous memory only (RssAnon, sampled every 5 ms); peak RSS also counts touched shared-library pages.")
        lines.append("Requests include one project listing per org (names for the dashboards): \(run.orgs) pages beyond the minimum.")
        lines.append("")
        let exporter = throughput.exporter?.requestsPerSecond
        let nginx = throughput.nginx?.requestsPerSecond
        lines.append("/metrics throughput (wrk, 2 threads, 32 connections, same bytes\(run.gzip ? ", gzip" : "")):")
        lines.append("  exporter \(exporter.map { String(format: "%.0f", $0) } ?? "-") req/s"
                     + " (p50 \(ms(throughput.exporter?.p50)), p99 \(ms(throughput.exporter?.p99)))")
        lines.append("  nginx    \(nginx.map { String(format: "%.0f", $0) } ?? "-") req/s"
                     + " (p50 \(ms(throughput.nginx?.p50)), p99 \(ms(throughput.nginx?.p99)))")
        if let exporter, let nginx, nginx > 0 {
            lines.append(String(format: "  ratio    %.2f × nginx", exporter / nginx))
        }
        if let alone = throughput.exporterAlone, let nginxAlone = throughput.nginxAlone {
            lines.append("/metrics latency, one connection, no poll running: exporter p50 \(ms(alone.p50)), p99 \(ms(alone.p99)); "
                         + "nginx p50 \(ms(nginxAlone.p50)), p99 \(ms(nginxAlone.p99))")
        }
        return lines.joined(separator: "\n")
    }
}
