import Foundation
import TestSupport
import Testing

/// deploy/image/CONTENTS.md against the image's files. `deploy/image/check-rootfs.sh --manifest
/// deploy/image/rootfs.manifest` writes what the image holds (bytes and path of every file) when it builds the root
/// filesystem from Debian's packages; these tests hold CONTENTS.md to that list, and that list to what the exporter
/// built here loads: a new library linked, or one dropped, fails until the image is checked again.
@Suite("Image contents")
struct ImageContentsTests {
    struct Group {
        var name: String
        var patterns: [String]
        var mebibytes: Double
    }

    static let directory = Repository.root.appendingPathComponent("deploy/image")

    /// The table's rows: `| group | `pattern`, `pattern` | MiB | why |`; the total row last.
    static func groups() throws -> (groups: [Group], total: Double) {
        let text = try String(contentsOf: directory.appendingPathComponent("CONTENTS.md"), encoding: .utf8)
        var groups: [Group] = []
        var total: Double?
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, let mebibytes = Double(cells[3].replacingOccurrences(of: "*", with: "")) else { continue }
            if cells[1] == "**total**" {
                total = mebibytes
                continue
            }
            let patterns = cells[2].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            groups.append(Group(name: cells[1], patterns: patterns, mebibytes: mebibytes))
        }
        return (groups, try #require(total, "CONTENTS.md has no **total** row"))
    }

    /// The image's files: path (absolute) and bytes.
    static func manifest() throws -> [(path: String, bytes: Int)] {
        let text = try String(contentsOf: directory.appendingPathComponent("rootfs.manifest"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let fields = line.split(separator: " ", maxSplits: 1)
            let bytes = try #require(fields.count == 2 ? Int(fields[0]) : nil, "bad manifest line \(line)")
            return ("/" + fields[1], bytes)
        }
    }

    static func matches(_ pattern: String, _ path: String) -> Bool {
        fnmatch(pattern, path, FNM_PATHNAME) == 0
    }

    @Test("every file of the image is in exactly one group of CONTENTS.md, and each group's size is what it says")
    func contentsMatchManifest() throws {
        let (groups, total) = try Self.groups()
        let files = try Self.manifest()
        #expect(groups.count >= 5)
        #expect(!files.isEmpty)
        var bytes = [String: Int]()
        for file in files {
            let owners = groups.filter { group in group.patterns.contains { Self.matches($0, file.path) } }
            #expect(owners.count == 1, "\(file.path) is in \(owners.map(\.name)) (exactly one group expected)")
            if let owner = owners.first { bytes[owner.name, default: 0] += file.bytes }
        }
        for group in groups {
            let measured = Double(bytes[group.name] ?? 0) / 1_048_576
            #expect(bytes[group.name] != nil, "no file of the image is in \(group.name)")
            #expect(abs(measured - group.mebibytes) <= 0.05, "\(group.name): \(measured) MiB in the image, CONTENTS.md says \(group.mebibytes)")
        }
        let measured = Double(files.map(\.bytes).reduce(0, +)) / 1_048_576
        #expect(abs(measured - total) <= 0.05, "total: \(measured) MiB in the image, CONTENTS.md says \(total)")
        #expect(measured <= 100, "the image is \(measured) MiB")
        // Nothing to run but the exporter: no shell, no package manager, no ICU.
        for forbidden in ["/bin/*", "/usr/bin/*", "/sbin/*", "/usr/sbin/*", "*/libicu*", "/var/lib/dpkg/status"] {
            #expect(!files.contains { Self.matches(forbidden, $0.path) }, "\(forbidden) in the image")
        }
    }

    @Test("the image's shared libraries are the ones the loader finds for the exporter built here")
    func librariesMatchLoader() async throws {
        let binary = productsDirectory().appendingPathComponent("mongodb_apikey_exporter").path
        let (status, output) = try await runTool("ldd", [binary])
        try #require(status == 0, "ldd failed: \(output)")
        // The test build links the Swift runtime dynamically from the toolchain; the image links it in statically.
        let toolchain = URL(fileURLWithPath: try which("swift")).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let loaded = Set(output.split(separator: "\n").compactMap { line -> String? in
            let words = line.split { $0 == " " || $0 == "\t" }
            let path = words.count >= 3 && words[1] == "=>" ? String(words[2]) : words.first.map(String.init) ?? ""
            guard path.hasPrefix("/"), !path.hasPrefix(toolchain) else { return nil }
            return URL(fileURLWithPath: path).lastPathComponent
        })
        let image = Set(try Self.manifest().map(\.path).filter { $0.contains(".so") }.map { URL(fileURLWithPath: $0).lastPathComponent })
        #expect(loaded == image, "loaded here, not in the image: \(loaded.subtracting(image).sorted()); in the image, not loaded: \(image.subtracting(loaded).sorted())")
    }
}
