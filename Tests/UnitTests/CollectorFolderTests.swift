import Foundation
import TestSupport
import Testing

/// "Adding a collector is one folder and one registration line": no file of the exporter outside a collector's
/// folder names it (its types, its `"name"` or its `--collector.` flag), but the registry.
@Suite("One folder per collector")
struct CollectorFolderTests {
    static let sources = Repository.root.appendingPathComponent("Sources")
    static let collectors = sources.appendingPathComponent("APIKeyExporter/Collectors")
    static let registry = "CollectorRegistry.swift"

    /// Every Swift file of the exporter's own targets (the simulator is a separate program with models of its own).
    static func exporterFiles() throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "swift", !url.path.contains("/AtlasSimulator/") { files.append(url) }
        }
        return files
    }

    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test("no collector is named outside its folder and the registry")
    func namedOnlyInFolder() async throws {
        // Hundreds of regular expressions over every source file: off the concurrency pool, which other suites'
        // exporters need to be answered in time.
        let (folders, violations) = try await offPool { try Self.violations() }
        #expect(folders >= 5)
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }

    /// How many collector folders there are, and a line for every name used outside its folder and the registry.
    static func violations() throws -> (Int, [String]) {
        var violations: [String] = []
        let files = try Self.exporterFiles()
        let texts = try Dictionary(uniqueKeysWithValues: files.map { ($0.path, try String(contentsOf: $0, encoding: .utf8)) })
        let folders = try FileManager.default.contentsOfDirectory(at: Self.collectors, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
        for folder in folders {
            let own = texts.filter { $0.key.hasPrefix(folder.path + "/") }
            var names: [String] = []
            for text in own.values {
                names += try Self.matches(#"^(?:public |final |private |fileprivate )*(?:struct|class|enum|protocol|actor|typealias) ([A-Z]\w*)"#, in: text)
                    .map { #"\b\#($0)\b"# }
                names += try Self.matches(#"static let name = ("\w+")"#, in: text).map { NSRegularExpression.escapedPattern(for: $0) }
                names += try Self.matches(#"customLong\("(collector\.[a-z-]+)"#, in: text).map { NSRegularExpression.escapedPattern(for: $0) }
            }
            if names.isEmpty { violations.append("\(folder.lastPathComponent) declares nothing") }
            let patterns = try names.map { try NSRegularExpression(pattern: $0) }
            for (path, text) in texts where !path.hasPrefix(folder.path + "/") && !path.hasSuffix("/" + Self.registry) {
                for (name, pattern) in zip(names, patterns) {
                    let found = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
                    if found != nil { violations.append("\(path) names \(name) of \(folder.lastPathComponent)") }
                }
            }
        }
        return (folders.count, violations)
    }
}
