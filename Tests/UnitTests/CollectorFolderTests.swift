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
    func namedOnlyInFolder() throws {
        let files = try Self.exporterFiles()
        let texts = try Dictionary(uniqueKeysWithValues: files.map { ($0.path, try String(contentsOf: $0, encoding: .utf8)) })
        let folders = try FileManager.default.contentsOfDirectory(at: Self.collectors, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
        #expect(folders.count >= 5)
        for folder in folders {
            let own = texts.filter { $0.key.hasPrefix(folder.path + "/") }
            var names: [String] = []
            for text in own.values {
                names += try Self.matches(#"^(?:public |final |private |fileprivate )*(?:struct|class|enum|protocol|actor|typealias) ([A-Z]\w*)"#, in: text)
                    .map { #"\b\#($0)\b"# }
                names += try Self.matches(#"static let name = ("\w+")"#, in: text).map { NSRegularExpression.escapedPattern(for: $0) }
                names += try Self.matches(#"customLong\("(collector\.[a-z-]+)"#, in: text).map { NSRegularExpression.escapedPattern(for: $0) }
            }
            #expect(!names.isEmpty, "\(folder.lastPathComponent) declares nothing")
            for (path, text) in texts where !path.hasPrefix(folder.path + "/") && !path.hasSuffix("/" + Self.registry) {
                for name in names {
                    let found = try NSRegularExpression(pattern: name).firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
                    #expect(found == nil, "\(path) names \(name) of \(folder.lastPathComponent)")
                }
            }
        }
    }
}
