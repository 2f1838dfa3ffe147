import APIKeyExporter
import Foundation
import Testing

/// Random text for every duration, integer, address and URL setting, from the flags and from the config file:
/// a setting is either accepted or refused with one short line, and nothing traps (a trap ends the test process).
@Suite("Settings: random values never trap")
struct SettingsPropertyTests {
    /// SplitMix64: reproducible from its seed, so a failure can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Text that looks a little like a setting, or not at all: huge numbers, units, signs, separators, control
    /// characters, non-ASCII.
    static func randomText(_ random: inout SeededGenerator) -> String {
        let pieces = ["0", "1", "9", "99999999999999999999", "9223372036854775807", "-", "+", ".", ":", "[", "]", "::1",
                      "ms", "s", "m", "h", "d", "y", " ", "\n", "\r", "\u{0}", "\u{1b}", "\u{2028}", "é", "🙂", "\"", "'",
                      "http://", "https://", "ftp://", "127.0.0.1", "localhost", "/", "?", "#", "%", "%2e%2e", "..", "@",
                      "x", "ABCDEF", "0x1F", "1e9", "NaN", "inf", "${UNSET}", "$", "{", "}"]
        let count = Int.random(in: 0...8, using: &random)
        return (0..<count).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
    }

    static let environment = ["MONGODB_ATLAS_PUBLIC_KEY": "pub", "MONGODB_ATLAS_PRIVATE_KEY": "priv-secret"]

    /// The checks every refusal must pass.
    static func expectOneShortLine(_ error: ConfigError, _ context: String) {
        let line = error.description
        #expect(!line.contains("\n") && !line.contains("\r"), "\(context): \(line)")
        #expect(line.unicodeScalars.count <= ConfigError.messageLimit + 1, "\(context)")
        #expect(!line.contains("priv-secret"), "\(context)")
    }

    @Test("flags: 3,000 random values for durations, integers, addresses, URLs and names")
    func randomFlags() {
        var random = SeededGenerator(state: 20261130)
        for round in 0..<3000 {
            var raw = RawSettings()
            let text = Self.randomText(&random)
            let integer = [Int.min, Int.max, -1, 0, 1, 32, 33, Int.random(in: Int.min...Int.max, using: &random)]
                .randomElement(using: &random) ?? 0
            let setting = round % 12
            switch setting {
            case 0: raw.pollInterval = text
            case 1: raw.connectTimeout = text
            case 2: raw.requestTimeout = text
            case 3: raw.listenAddress = text
            case 4: raw.baseURL = text
            case 5: raw.orgIDs = [text]
            case 6: raw.telemetryPath = text
            case 7: raw.pollConcurrency = integer
            case 8: raw.accessListConcurrency = integer
            case 9: raw.shardCount = integer
            case 10: raw.shardIndex = text
            default: raw.logLevel = text
            }
            do {
                _ = try ExporterConfig(raw, environment: Self.environment)
            } catch {
                Self.expectOneShortLine(error, "setting \(setting) = \(text.debugDescription) / \(integer)")
            }
        }
    }

    @Test("config file: 2,000 random values for every field of a target")
    func randomConfigFile() {
        var random = SeededGenerator(state: 7_777)
        let fields = ["name", "base_url", "org_ids", "public_key", "token_url", "connect_timeout", "timeout", "ca_file"]
        for round in 0..<2000 {
            let field = fields[round % fields.count]
            let text = Self.randomText(&random)
            // Double-quoted YAML with escapes, so that any text reaches the field (or fails as YAML, also one line).
            var quoted = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case _ where scalar.value < 0x20 || scalar.value == 0x2028: quoted += String(format: "\\u%04x", scalar.value)
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            quoted += "\""
            var target = ["name": "t", "public_key": "p", "private_key": "priv-secret"]
            target[field] = field == "org_ids" ? "[\(quoted)]" : quoted
            let yaml = "targets:\n  - " + target.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                .joined(separator: "\n    ") + "\n"
            do {
                _ = try ConfigFile.parse(yaml, file: "random.yml", environment: [:])
            } catch {
                Self.expectOneShortLine(error, "\(field) = \(text.debugDescription)")
            }
        }
    }

    @Test("the binary: random durations, integers and ports either start or exit 2 with one line")
    func randomBinaryRuns() async throws {
        var random = SeededGenerator(state: 99)
        let flags = ["--poll.interval", "--atlas.timeout", "--atlas.connect-timeout", "--poll.concurrency",
                     "--collector.access-list.concurrency", "--shard.count", "--web.listen-address"]
        for round in 0..<14 {
            let flag = flags[round % flags.count]
            var value = Self.randomText(&random).filter { $0 != "\u{0}" }  // a NUL cannot be passed in argv
            if flag == "--web.listen-address" { value = "127.0.0.1:" + value }
            // Loopback only: the API is a closed port, and the exporter listens on 127.0.0.1 unless the value says so.
            var arguments = ["--atlas.base-url", "http://127.0.0.1:1/api/atlas/v2", flag + "=" + value]
            if flag != "--web.listen-address" { arguments += ["--web.listen-address", "127.0.0.1:0"] }
            let exporter = try ExporterProcess(arguments: arguments, environment: ProcessRobustnessTests.credentials)
            let deadline = ContinuousClock.now + .seconds(30)
            while exporter.isRunning, !exporter.stderr.contains("msg=listening"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            if exporter.isRunning {
                #expect(exporter.stderr.contains("msg=listening"), "\(arguments)")
                #expect(try await exporter.terminate() == 0, "\(arguments)")
            } else {
                try await Task.sleep(for: .milliseconds(50))
                #expect(exporter.exitStatus == 2, "\(arguments): \(exporter.stderr.prefix(300))")
                #expect(exporter.stderrLines.count == 1, "\(arguments): \(exporter.stderr.prefix(300))")
            }
        }
    }
}
