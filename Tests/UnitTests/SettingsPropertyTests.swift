import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// Random text for every duration, integer, address and URL setting, from the flags and from the config file:
/// a setting is either accepted or refused with one short line, and nothing traps (a trap ends the test process).
@Suite("Settings: random values never trap")
struct SettingsPropertyTests {
    
    static func randomText(_ random: inout SeededGenerator) -> String { RandomText.make(&random) }

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
        var random = SeededGenerator(seed: 20261130)
        for round in 0..<3000 {
            var raw = RawSettings.defaults()
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
            case 8: if let flags = try? CollectorFlags.parse(["--collector.access-list.concurrency", "\(integer)"]) { raw.collectors = flags }
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
        var random = SeededGenerator(seed: 7_777)
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

}
