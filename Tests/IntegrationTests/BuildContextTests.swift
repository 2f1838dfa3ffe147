import Foundation
import TestSupport
import Testing

/// What `docker build` hands the build stage, without Docker: a temporary folder standing for the stage's `/`, holding
/// exactly the files its `COPY` instructions take from the build context, where its `WORKDIR` puts them.
struct BuildStageLayout {
    struct Unsupported: Error, CustomStringConvertible {
        var description: String
    }

    /// The folder standing for the build stage's `/`.
    let root: URL
    /// `root` plus the stage's last `WORKDIR`: where its `RUN`s run.
    let workdir: URL
    /// The stage's `RUN` commands, in order.
    let runs: [String]

    /// Lays out the first stage of `instructions` under a new temporary folder, copying from `context`.
    init(instructions: [ContainerTests.Instruction], context: URL) throws {
        let stage = instructions.drop { $0.instruction != "FROM" }.dropFirst().prefix { $0.instruction != "FROM" }
        let files = FileManager.default
        root = files.temporaryDirectory.appendingPathComponent("build-stage-\(UUID().uuidString)")
        var workdir = root
        var runs: [String] = []
        for instruction in stage {
            switch instruction.instruction {
            case "WORKDIR":
                workdir = Self.resolve(instruction.value, in: workdir, root: root)
                try files.createDirectory(at: workdir, withIntermediateDirectories: true)
            case "RUN":
                runs.append(instruction.value)
            case "COPY", "ADD":
                let words = instruction.value.split(separator: " ").map(String.init)
                if words.contains(where: { $0.hasPrefix("--from") }) { continue }
                guard instruction.instruction == "COPY", !instruction.value.hasPrefix("["),
                      !words.contains(where: { $0.contains("*") || $0.contains("?") }) else {
                    throw Unsupported(description: "\(instruction.instruction) \(instruction.value): only plain COPY paths are laid out")
                }
                let paths = words.filter { !$0.hasPrefix("--") }
                guard let destination = paths.last, paths.count >= 2 else {
                    throw Unsupported(description: "COPY \(instruction.value): no source")
                }
                let target = Self.resolve(destination, in: workdir, root: root)
                for source in paths.dropLast() {
                    try Self.copy(context.appendingPathComponent(source), to: target,
                                  intoFolder: destination.hasSuffix("/") || destination == "." || paths.count > 2)
                }
            default:
                continue
            }
        }
        self.workdir = workdir
        self.runs = runs
    }

    /// Docker's rules for one source: a folder's contents go into the destination folder; a file goes into it when it
    /// is a folder (trailing `/`, `.` or several sources), else becomes it.
    private static func copy(_ source: URL, to target: URL, intoFolder: Bool) throws {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: source.path, isDirectory: &isFolder) else {
            throw Unsupported(description: "\(source.path) is not in the build context")
        }
        if isFolder.boolValue {
            try files.createDirectory(at: target, withIntermediateDirectories: true)
            for name in try files.contentsOfDirectory(atPath: source.path) {
                try files.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
            }
        } else {
            let file = intoFolder ? target.appendingPathComponent(source.lastPathComponent) : target
            try files.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try files.copyItem(at: source, to: file)
        }
    }

    private static func resolve(_ path: String, in workdir: URL, root: URL) -> URL {
        path.hasPrefix("/") ? root.appendingPathComponent(String(path.dropFirst())) : workdir.appendingPathComponent(path)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

/// The Dockerfile's build stage must build from exactly what it copies: a context without `Tests/` once made SwiftPM look
/// for the test target in `Sources/` (mixed C and Swift) and refuse the package, which only a Docker build showed.
@Suite("Docker build context")
struct BuildContextTests {
    struct Description: Decodable {
        struct Product: Decodable {
            var name: String
            var type: [String: [String]?]
        }

        var products: [Product]
    }

    @Test("SwiftPM accepts the package as the build stage sees it, with the ENTRYPOINT's executable product, and the RUN's script")
    func packageResolvesFromTheCopiedFiles() async throws {
        let instructions = try await ContainerTests.parsedDockerfile()
        let layout = try BuildStageLayout(instructions: instructions, context: Repository.root)
        defer { layout.remove() }

        // `describe` loads the root package and checks every target's path and sources; it resolves no dependency.
        // Through env, which searches PATH: the toolchain is often outside /usr/bin, where `which` finds tools. TMPDIR
        // inside the layout: SwiftPM leaves a lock file named after the package's path there.
        let (status, output) = try await runTool("env", ["TMPDIR=\(layout.root.path)", "swift", "package", "--package-path", layout.workdir.path,
                                                   "describe", "--type", "json"])
        try #require(status == 0, "swift package describe in the build stage's layout: \(output)")
        let json = try #require(output.firstIndex(of: "{").map { output[$0...] }, "\(output)")
        let description = try JSONDecoder().decode(Description.self, from: Data(json.utf8))

        let entrypoint = try #require(instructions.last { $0.instruction == "ENTRYPOINT" }?.value)
        let executable = try JSONDecoder().decode([String].self, from: Data(entrypoint.utf8)).first.map { ($0 as NSString).lastPathComponent }
        let product = try #require(description.products.first { $0.name == executable }, "no product named \(executable ?? "?")")
        #expect(product.type.keys.contains("executable"))

        // The stage's last RUN starts a script copied into the layout.
        let command = try #require(layout.runs.last?.split(separator: " ").first.map(String.init))
        #expect(FileManager.default.isExecutableFile(atPath: layout.workdir.appendingPathComponent(command).path), "\(command)")
    }
}
