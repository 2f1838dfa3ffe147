import Foundation
import TestSupport
import Testing

/// The image cannot be built here (no Docker engine): this checks the Dockerfile with a real parser
/// (PyPI's dockerfile-parse, installed into `.build-python` by the test command) and runs its HEALTHCHECK command
/// against a live exporter. `BuildContextTests` checks that the build stage's files make a package SwiftPM accepts;
/// deploy/image/check-rootfs.sh builds the image's root filesystem without Docker and runs it; `ImageContentsTests`
/// hold deploy/image/CONTENTS.md to what that build holds.
@Suite("Dockerfile and --healthcheck")
struct ContainerTests {
    struct Instruction: Decodable {
        var instruction: String
        var value: String
    }

    static func parsedDockerfile() async throws -> [Instruction] {
        let path = Repository.root.appendingPathComponent("Dockerfile").path
        let (status, output) = try await runTool("python3", ["-c", """
            import json, sys
            sys.path.insert(0, sys.argv[2])
            from dockerfile_parse import DockerfileParser
            parser = DockerfileParser(path=sys.argv[1])
            print(json.dumps([{"instruction": i["instruction"], "value": i["value"]} for i in parser.structure]))
            """, path, Repository.root.appendingPathComponent(".build-python").path])
        try #require(status == 0, "dockerfile-parse failed (the README's test command installs it into .build-python): \(output)")
        return try JSONDecoder().decode([Instruction].self, from: Data(output.utf8))
    }

    @Test("multi-stage, static Swift runtime, Debian's libcurl4, libisal2, libyaml-0-2 and CA bundle reduced to what the loader finds, from scratch, non-root, health check")
    func dockerfileShape() async throws {
        let instructions = try await Self.parsedDockerfile()
        let froms = instructions.filter { $0.instruction == "FROM" }.map(\.value)
        #expect(froms.count == 3)
        #expect(froms.first?.hasSuffix("AS build") == true)
        #expect(froms.dropFirst().first == "debian:bookworm-slim AS runtime-root")
        #expect(froms.last == "scratch")
        let root = instructions.drop { $0.value != "debian:bookworm-slim AS runtime-root" }.prefix { $0.value != "scratch" }
        let runtime = instructions.drop { $0.value != "scratch" }
        let installs = root.filter { $0.instruction == "RUN" }.map(\.value).joined(separator: " ")
        let packages = installs.components(separatedBy: "--no-install-recommends ").last?.components(separatedBy: " &&").first?
            .split(separator: " ").map(String.init) ?? []
        #expect(packages == ["libcurl4", "libisal2", "libyaml-0-2", "ca-certificates"])
        #expect(installs.hasSuffix("&& /usr/local/sbin/runtime-root.sh /runtime"))
        #expect(root.contains { $0.instruction == "COPY" && $0.value == "--from=build /out/ /" })
        #expect(root.contains { $0.instruction == "COPY" && $0.value == "deploy/image/runtime-root.sh /usr/local/sbin/runtime-root.sh" })
        // The image is /runtime and nothing else: no RUN (there is no shell to run it).
        #expect(runtime.filter { $0.instruction == "COPY" }.map(\.value) == ["--from=runtime-root /runtime/ /"])
        #expect(!runtime.contains { $0.instruction == "RUN" })
        // The build stage runs deploy/image/build.sh: static Swift runtime, stripped, laid out in /out as the runtime's root.
        #expect(instructions.contains { $0.instruction == "RUN" && $0.value == "deploy/image/build.sh /out" })
        let build = try String(contentsOf: Repository.root.appendingPathComponent("deploy/image/build.sh"), encoding: .utf8)
        #expect(build.contains("swift build -c release --static-swift-stdlib --product mongodb_apikey_exporter"))
        #expect(build.contains("strip --strip-debug \"$out/usr/local/bin/mongodb_apikey_exporter\""))
        // The crash reporter SWIFT_BACKTRACE names is one the build stage installs.
        let backtrace = try #require(runtime.last { $0.instruction == "ENV" && $0.value.hasPrefix("SWIFT_BACKTRACE=") }?.value)
        let reporter = try #require(backtrace.split(separator: ",").first { $0.hasPrefix("swift-backtrace=") }?.dropFirst("swift-backtrace=".count))
        #expect(build.contains("\"$out\(reporter)\""))
        #expect(backtrace.contains("enable=yes"))
        let user = try #require(runtime.last { $0.instruction == "USER" }?.value)
        #expect(!user.hasPrefix("0") && user != "root")
        #expect(runtime.contains { $0.instruction == "EXPOSE" && $0.value == "10025" })
        // Exec forms: there is no shell to run a command line.
        #expect(runtime.contains { $0.instruction == "HEALTHCHECK" && $0.value.hasSuffix("CMD [\"/usr/local/bin/mongodb_apikey_exporter\", \"--healthcheck\"]") })
        #expect(runtime.contains { $0.instruction == "ENTRYPOINT" && $0.value == "[\"/usr/local/bin/mongodb_apikey_exporter\"]" })
        // Every path the build copies from the context exists.
        for copy in instructions where copy.instruction == "COPY" && !copy.value.hasPrefix("--from") {
            let sources = copy.value.split(separator: " ").dropLast()
            for source in sources {
                #expect(FileManager.default.fileExists(atPath: Repository.root.appendingPathComponent(String(source)).path), "\(source)")
            }
        }
    }

    @Test("--healthcheck exits 0 against a running exporter and 1 when nothing answers")
    func healthcheck() async throws {
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0"], environment: [:])
        let port = try await exporter.waitForListeningPort()
        let (healthy, _) = try await ExporterProcess.run(arguments: ["--healthcheck", "--web.listen-address", "127.0.0.1:\(port)"],
                                                         environment: [:])
        #expect(healthy == 0)
        #expect(try await exporter.terminate() == 0)
        // Nothing answers on a port held bound but not listening (the exporter's freed port could be taken by another
        // test's listener meanwhile).
        let closed = try closedLoopbackPort()
        defer { close(closed.socket) }
        let (down, _) = try await ExporterProcess.run(arguments: ["--healthcheck", "--web.listen-address", "127.0.0.1:\(closed.port)"],
                                                      environment: [:])
        #expect(down == 1)
    }
}
