import Foundation

/// How the cost of a first cycle grows with the inventory: one fresh process per size (so that no size inherits
/// another's heap), each polling 20 large orgs and one of 100 keys, then one line of figures.
struct ScaleCurve {
    let totals: [Int]
    let keyInfo: Bool
    let pollConcurrency: Int

    /// The figures one child prints: keys, CPU s, wall s, peak anon, peak RSS, exposition, held deflated (bytes).
    static func row(_ report: Report) -> String {
        guard let first = report.rows.first else { return "" }
        return [report.run.keys, first.cpu, first.wall, first.peakAnonymous, first.peakRSS, first.exposition, first.deflated]
            .map { "\($0)" }.joined(separator: " ")
    }

    func run() async throws -> String {
        var lines = [
            "mongodb_apikey_exporter scale curve: first poll cycle (connections, Digest, every page, render, deflate), "
                + "per-key families \(keyInfo ? "on" : "off"); \(ProcessInfo.processInfo.activeProcessorCount) cores; one process per size",
            "",
            "keys | CPU s | CPU µs per key | wall s | peak anon | anon per key | peak RSS | exposition (held deflated)",
            "---- | ----- | -------------- | ------ | --------- | ------------ | -------- | -------------------------",
        ]
        for total in totals where total > 100 {
            let perOrg = max(1, (total - 100) / 20)
            let output = try Self.runChild(["--orgs", "20", "--keys-per-org", "\(perOrg)", "--small-org-keys", "100",
                                            "--cycles", "1", "--throughput-seconds", "0", "--scale-row",
                                            "--poll.concurrency", "\(pollConcurrency)"]
                                           + (keyInfo ? [] : ["--no-collector.key-info"]))
            let fields = output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard fields.count == 7, fields[0] > 0 else {
                lines.append("\(total) | failed: \(output.prefix(200))")
                continue
            }
            let keys = fields[0]
            func mb(_ bytes: Double) -> String { String(format: "%.1f MB", bytes / 1_048_576) }
            lines.append([
                String(format: "%.0f", keys), String(format: "%.2f", fields[1]), String(format: "%.1f", fields[1] / keys * 1e6),
                String(format: "%.2f", fields[2]), mb(fields[3]), String(format: "%.0f B", fields[3] / keys), mb(fields[4]),
                "\(mb(fields[5])) (\(mb(fields[6])))",
            ].joined(separator: " | "))
        }
        lines.append("")
        lines.append("peak anon includes the process's fixed share (runtime, server, zlib); per key it falls as the inventory grows.")
        return lines.joined(separator: "\n")
    }

    /// Runs this benchmark binary with `arguments` and returns its standard output.
    static func runChild(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
