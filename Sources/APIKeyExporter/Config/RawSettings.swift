#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser

/// Every setting the command line gives, declared once, as flags: the command parses them straight into this, and
/// `ExporterConfig` validates it (with the environment and a config file). Tests start from `defaults()`.
public struct RawSettings: ParsableArguments, Sendable {
    @Option(name: .customLong("atlas.base-url"), help: "Admin API base URL (Atlas v2 or v1.0, Cloud Manager or Ops Manager /api/public/v1.0).")
    public var baseURL = "https://cloud.mongodb.com/api/atlas/v2"

    @Option(name: .customLong("atlas.org-id"), help: "Organization id to poll (repeatable). Default: every org GET /orgs lists.")
    public var orgIDs: [String] = []

    @Option(name: .customLong("atlas.public-key"), help: "API public key (Digest user). Default: $\(ExporterConfig.publicKeyVariable).")
    public var publicKey: String?

    @Option(name: .customLong("atlas.private-key-file"), help: "File holding the API private key. Default: $\(ExporterConfig.privateKeyVariable).")
    public var privateKeyFile: String?

    @Option(name: .customLong("atlas.client-id"), help: "Service account client id, instead of an API key. Default: $\(ExporterConfig.clientIDVariable).")
    public var clientID: String?

    @Option(name: .customLong("atlas.client-secret-file"), help: "File holding the service account's secret. Default: $\(ExporterConfig.clientSecretVariable).")
    public var clientSecretFile: String?

    @Option(name: .customLong("config.file"), help: "YAML file of targets to poll (several APIs or credentials); replaces the --atlas.* flags.")
    public var configFile: String?

    @Option(name: .customLong("atlas.ca-file"), help: "PEM CA bundle to verify the API's TLS certificate with (replaces the system CAs).")
    public var caFile: String?

    @Option(name: .customLong("atlas.token-url"), help: "With a service account: the OAuth token endpoint. Default: /api/oauth/token at the base URL's origin.")
    public var tokenURL: String?

    @Option(name: .customLong("atlas.max-listing-items"), help: "A listing longer than this many items fails as too_large (default 200000).")
    public var maxListingItems: String?

    @Option(name: .customLong("atlas.max-listing-size"), help: "A listing whose pages add up to more than this fails as too_large (default 128MiB).")
    public var maxListingSize: String?

    @Option(name: .customLong("atlas.connect-timeout"), help: "Timeout to connect to the API.")
    public var connectTimeout = "10s"

    @Option(name: .customLong("atlas.timeout"), help: "Timeout of one API request.")
    public var requestTimeout = "60s"

    @Option(name: .customLong("poll.interval"), help: "Time between poll cycles (default 5m; 30s with --demo).")
    public var pollIntervalFlag: String?

    @Option(name: .customLong("poll.concurrency"), help: "Organizations polled at once, each over its own connection (1-32).")
    public var pollConcurrency = 4

    @Option(name: .customLong("shard.count"), help: "Replicas sharing the organizations (each org is polled by exactly one).")
    public var shardCount = 1

    @Option(name: .customLong("shard.index"), help: "This replica's shard, 0-based, or from-hostname (a StatefulSet pod's ordinal).")
    public var shardIndex = "0"

    @Option(name: .customLong("storage.path"),
            help: "Directory to save each target's state in after every cycle, so that a restart counts what changed while the exporter was down. Default: none (a restart starts a fresh baseline).")
    public var storagePath: String?

    @Option(name: .customLong("web.listen-address"), help: "Address to serve metrics on.")
    public var listenAddress = ":\(ListenAddress.defaultPort)"

    @Option(name: .customLong("web.telemetry-path"), help: "Path under which to expose metrics.")
    public var telemetryPath = "/metrics"

    @Option(name: .customLong("web.config.file"), help: "YAML file with TLS and basic auth settings for the web server (exporter-toolkit format).")
    public var webConfigFile: String?

    /// Every collector's flags, as the collectors declare them.
    @OptionGroup
    public var collectors: CollectorFlags

    @Option(name: .customLong("log.level"), help: "debug, info, warn or error.")
    public var logLevel = "info"

    @Option(name: .customLong("log.format"), help: "logfmt or json.")
    public var logFormat = "logfmt"

    @Flag(name: .customLong("demo"), help: "Poll a built-in API simulator with a generated inventory; needs no credentials.")
    public var demo = false

    public init() {}

    /// Every flag at its default, as parsing no argument gives them (a value made with `init()` is only the flags'
    /// definition and cannot be read).
    public static func defaults() -> RawSettings {
        parsedDefaults
    }

    /// Parsed once: ArgumentParser checks every declaration on each parse, which is slow to do per target or test.
    private static let parsedDefaults: RawSettings = {
        do {
            return try parse([])
        } catch {
            // No flag is required, so parsing nothing cannot fail.
            preconditionFailure("the flags' defaults do not parse: \(error)")
        }
    }()

    /// `--poll.interval`, or its default: 5m, or 30s with `--demo`.
    public var pollInterval: String {
        get { pollIntervalFlag ?? (demo ? "30s" : "5m") }
        set { pollIntervalFlag = newValue }
    }
}
