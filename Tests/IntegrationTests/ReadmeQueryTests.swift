import Foundation
import TestSupport
import Testing

@Suite("README")
struct ReadmeQueryTests {
    static let root = Repository.root

    /// The expressions of the README's `promql` blocks: comment lines start a new one, other lines continue it.
    static func readmeQueries() throws -> [String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var queries: [String] = []
        for block in readme.components(separatedBy: "```promql\n").dropFirst() {
            var current = ""
            for line in block.components(separatedBy: "```")[0].split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty {
                    if !current.isEmpty { queries.append(current) }
                    current = ""
                } else {
                    current += (current.isEmpty ? "" : " ") + line.trimmingCharacters(in: .whitespaces)
                }
            }
            if !current.isEmpty { queries.append(current) }
        }
        return queries
    }

    @Test("every PromQL example in the README parses (promtool check rules)")
    func promqlExamplesParse() async throws {
        let queries = try Self.readmeQueries()
        #expect(queries.count >= 8, "the README's examples were read")
        var rules = "groups:\n  - name: readme\n    rules:\n"
        for (index, query) in queries.enumerated() {
            let escaped = query.replacingOccurrences(of: "'", with: "''")
            rules += "      - record: readme:example_\(index)\n        expr: '\(escaped)'\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("readme-rules-\(UUID().uuidString).yml")
        try Data(rules.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let (status, text) = try await runTool("promtool", ["check", "rules", file.path])
        #expect(status == 0, "\(text)")
        #expect(text.contains("SUCCESS: \(queries.count) rules found"), "\(text)")
    }
}
