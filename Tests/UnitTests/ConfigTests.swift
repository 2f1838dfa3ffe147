import APIKeyExporter
import Foundation
import TestSupport
import Testing

@Suite("Configuration")
struct ConfigTests {
    static let environment = ["MONGODB_ATLAS_PUBLIC_KEY": "pub", "MONGODB_ATLAS_PRIVATE_KEY": "priv-secret"]

    @Test("defaults")
    func defaults() throws {
        let config = try ExporterConfig(RawSettings.defaults(), environment: Self.environment)
        #expect(config.targets.count == 1)
        let target = config.targets[0]
        #expect(target.name == "default")
        #expect(target.baseURL == "https://cloud.mongodb.com/api/atlas/v2")
        #expect(target.orgSelection == .discover)
        #expect(config.pollInterval == .seconds(300))
        #expect(config.listenAddress == ListenAddress(host: "0.0.0.0", port: 10025))
        #expect(config.telemetryPath == "/metrics")
        #expect(target.credentials == .apiKey(DigestCredentials(username: "pub", password: "priv-secret")))
        #expect(!"\(target.credentials)".contains("priv-secret"))
    }

    /// Sets one setting by name, so test arguments stay plain strings.
    static func apply(_ setting: String, _ value: String, to raw: inout RawSettings) {
        switch setting {
        case "pollInterval": raw.pollInterval = value
        case "baseURL": raw.baseURL = value
        case "orgIDs": raw.orgIDs = [value]
        case "listenAddress": raw.listenAddress = value
        case "telemetryPath": raw.telemetryPath = value
        case "logLevel": raw.logLevel = value
        case "logFormat": raw.logFormat = value
        case "requestTimeout": raw.requestTimeout = value
        case "caFile": raw.caFile = value
        case "privateKeyFile": raw.privateKeyFile = value
        default: Issue.record("unknown setting \(setting)")
        }
    }

    @Test("each bad setting names its flag or variable", arguments: [
        ("pollInterval", "5 minutes", "--poll.interval"),
        ("pollInterval", "100ms", "--poll.interval"),
        ("baseURL", "cloud.mongodb.com", "--atlas.base-url"),
        ("baseURL", "ftp://cloud.mongodb.com/api", "--atlas.base-url"),
        ("orgIDs", "not-an-id", "--atlas.org-id"),
        ("listenAddress", "10025", "--web.listen-address"),
        ("listenAddress", ":70000", "--web.listen-address"),
        ("telemetryPath", "metrics", "--web.telemetry-path"),
        ("logLevel", "loud", "--log.level"),
        ("logFormat", "xml", "--log.format"),
        ("requestTimeout", "soon", "--atlas.timeout"),
        ("caFile", "/nonexistent/ca.pem", "--atlas.ca-file"),
        ("privateKeyFile", "/nonexistent/key", "--atlas.private-key-file"),
    ])
    func badSetting(setting: String, value: String, field: String) {
        var raw = RawSettings.defaults()
        Self.apply(setting, value, to: &raw)
        do {
            _ = try ExporterConfig(raw, environment: Self.environment)
            Issue.record("\(setting)=\(value) was accepted")
        } catch {
            #expect(error.field == field)
            #expect(error.description.contains(value))
            #expect(!error.description.contains("priv-secret"))
        }
    }

    @Test("missing credentials name the environment variables")
    func missingCredentials() {
        do {
            _ = try ExporterConfig(RawSettings.defaults(), environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "MONGODB_ATLAS_PUBLIC_KEY")
        }
        do {
            _ = try ExporterConfig(RawSettings.defaults(), environment: ["MONGODB_ATLAS_PUBLIC_KEY": "pub"])
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "MONGODB_ATLAS_PRIVATE_KEY")
        }
    }

    @Test("the private key file wins over the environment and is trimmed")
    func privateKeyFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)")
        try Data("from-file\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var raw = RawSettings.defaults()
        raw.privateKeyFile = file.path
        let config = try ExporterConfig(raw, environment: Self.environment)
        #expect(config.targets[0].credentials == .apiKey(DigestCredentials(username: "pub", password: "from-file")))
    }

    @Test("org ids are de-duplicated and sorted")
    func orgIDs() throws {
        var raw = RawSettings.defaults()
        raw.orgIDs = ["5980cfc70b6d97029d82e3f7", "5980cfc70b6d97029d82e3f6", "5980cfc70b6d97029d82e3f7"]
        let config = try ExporterConfig(raw, environment: Self.environment)
        #expect(config.targets[0].orgSelection == .configured(["5980cfc70b6d97029d82e3f6", "5980cfc70b6d97029d82e3f7"]))
    }

    @Test("durations", arguments: [
        ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)), ("250ms", .milliseconds(250)),
        ("1d", .seconds(86400)),
    ])
    func durations(text: String, expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
    }

    @Test("not durations", arguments: ["", "5", "m", "5 m", "-5m", "5y", "1.5h"])
    func notDurations(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test("listen addresses")
    func listenAddresses() {
        #expect(ListenAddress(parsing: ":10025") == ListenAddress(host: "0.0.0.0", port: 10025))
        #expect(ListenAddress(parsing: "127.0.0.1:0") == ListenAddress(host: "127.0.0.1", port: 0))
        #expect(ListenAddress(parsing: "[::1]:9") == ListenAddress(host: "::1", port: 9))
        #expect(ListenAddress(parsing: "::1:9") == nil)
        #expect(ListenAddress(parsing: "[::1]:9")?.description == "[::1]:9")
    }
}
