#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Logging

/// The validated configuration of a running exporter.
public struct ExporterConfig: Sendable {
    /// What to poll: one target named `default` from the flags, or the targets of `--config.file`.
    public var targets: [TargetConfig]
    /// `--config.file`, reloaded on SIGHUP; nil when the flags describe the target.
    public var configFile: String?
    public var pollInterval: Duration
    public var listenAddress: ListenAddress
    public var telemetryPath: String
    /// `--web.config.file`: TLS and basic auth for the web server.
    public var webConfig: WebConfig?
    /// `--[no-]collector.key-info`: the per-credential families.
    public var keyInfo: Bool
    /// Every collector's settings from its flags (a config file's target may set its own over them).
    public var collectors: CollectorSettings
    public var poll: PollOptions
    public var logLevel: Logger.Level
    public var logFormat: LogFormat

    public static let publicKeyVariable = "MONGODB_ATLAS_PUBLIC_KEY"
    public static let privateKeyVariable = "MONGODB_ATLAS_PRIVATE_KEY"
    public static let clientIDVariable = "MONGODB_ATLAS_CLIENT_ID"
    public static let clientSecretVariable = "MONGODB_ATLAS_CLIENT_SECRET"

    /// Validates `raw`; the first problem found is thrown, naming its flag, variable, or file, line and field.
    public init(_ raw: RawSettings, environment: [String: String]) throws(ConfigError) {
        configFile = raw.configFile
        if let configFile = raw.configFile {
            try Self.rejectTargetFlags(raw)
            targets = try ConfigFile.load(path: configFile, environment: environment)
        } else {
            targets = [try Self.flagTarget(raw, environment: environment)]
        }

        pollInterval = try Self.duration(raw.pollInterval, field: "--poll.interval", range: DurationRange.interval)
        guard let listen = ListenAddress(parsing: raw.listenAddress) else {
            throw ConfigError(field: "--web.listen-address", "\"\(raw.listenAddress)\" is not host:port (e.g. :10025, 127.0.0.1:10025, [::1]:10025)")
        }
        listenAddress = listen
        guard raw.telemetryPath.hasPrefix("/"), raw.telemetryPath.count > 1, !raw.telemetryPath.hasPrefix("/-/") else {
            throw ConfigError(field: "--web.telemetry-path", "\"\(raw.telemetryPath)\" must start with / and not be / or under /-/")
        }
        telemetryPath = raw.telemetryPath
        webConfig = try raw.webConfigFile.map { (path: String) throws(ConfigError) in try WebConfig.load(path: path) }
        keyInfo = raw.collectors.keyInfo
        collectors = try raw.collectors.settings(context: FlagContext(demo: raw.demo, pollInterval: pollInterval))
        guard (1...32).contains(raw.pollConcurrency) else {
            throw ConfigError(field: "--poll.concurrency", "\"\(raw.pollConcurrency)\" is not between 1 and 32")
        }
        let hostname = environment["HOSTNAME"] ?? ProcessInfo.processInfo.hostName
        poll = PollOptions(orgConcurrency: raw.pollConcurrency,
                           shard: try Shard.parse(count: raw.shardCount, index: raw.shardIndex, hostname: hostname),
                           storagePath: try raw.storagePath.map { (path: String) throws(ConfigError) in try Self.storageDirectory(path) })
        logLevel = try Self.logLevel(raw.logLevel)
        guard let format = LogFormat(rawValue: raw.logFormat) else {
            throw ConfigError(field: "--log.format", "\"\(raw.logFormat)\" is not one of logfmt, json")
        }
        logFormat = format
    }

    /// `--storage.path` must name an existing directory (whether it can be written is found at each save: one line and
    /// a counter, never a stopped poll).
    static func storageDirectory(_ path: String) throws(ConfigError) -> String {
        var info = stat()
        guard !path.isEmpty, stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ConfigError(field: "--storage.path", "\"\(path)\" is not an existing directory")
        }
        return path
    }

    /// The single target the `--atlas.*` flags and the environment describe, named `default`.
    /// An API key unless a service account's client id is given; secrets from files win over the environment.
    static func flagTarget(_ raw: RawSettings, environment: [String: String]) throws(ConfigError) -> TargetConfig {
        let baseURL = try validateBaseURL(raw.baseURL)
        let orgSelection = try TargetChecks.named("--atlas.org-id") { () throws(ConfigError) in try TargetChecks.orgSelection(raw.orgIDs) }

        let credentials: TargetCredentials
        if let clientID = raw.clientID ?? environment[clientIDVariable], !clientID.isEmpty {
            let secret = try loadSecret(file: raw.clientSecretFile, fileFlag: "--atlas.client-secret-file",
                                        variable: clientSecretVariable, environment: environment, what: "service account's secret")
            credentials = .serviceAccount(ServiceAccountCredentials(
                clientID: clientID, clientSecret: secret,
                tokenURL: try raw.tokenURL.map { (url: String) throws(ConfigError) in
                    try TargetChecks.named("--atlas.token-url") { () throws(ConfigError) in try TargetChecks.baseURL(url) }
                } ?? ServiceAccountCredentials.defaultTokenURL(forBaseURL: baseURL)))
        } else {
            let publicKey = raw.publicKey ?? environment[publicKeyVariable] ?? ""
            guard !publicKey.isEmpty else {
                throw ConfigError(field: publicKeyVariable, "missing: set it, or --atlas.public-key, to the API key's public key "
                                  + "(or \(clientIDVariable) for a service account)")
            }
            let privateKey = try loadSecret(file: raw.privateKeyFile, fileFlag: "--atlas.private-key-file",
                                            variable: privateKeyVariable, environment: environment, what: "API key's private key")
            credentials = .apiKey(DigestCredentials(username: publicKey, password: privateKey))
        }

        var transport = TransportOptions()
        transport.connectTimeout = try duration(raw.connectTimeout, field: "--atlas.connect-timeout", range: DurationRange.timeout)
        transport.requestTimeout = try duration(raw.requestTimeout, field: "--atlas.timeout", range: DurationRange.timeout)
        if let text = raw.maxListingItems {
            transport.listingLimits.maxItems = try TargetChecks.named("--atlas.max-listing-items") { () throws(ConfigError) in
                try TargetChecks.listingItems(text)
            }
        }
        if let text = raw.maxListingSize {
            transport.listingLimits.maxBytes = try TargetChecks.named("--atlas.max-listing-size") { () throws(ConfigError) in
                try TargetChecks.listingSize(text)
            }
        }
        if let caFile = raw.caFile {
            transport.caFile = try TargetChecks.named("--atlas.ca-file") { () throws(ConfigError) in try TargetChecks.readableFile(caFile) }
        }
        return TargetConfig(name: "default", baseURL: baseURL, orgSelection: orgSelection, credentials: credentials,
                            transport: transport)
    }

    /// With `--config.file`, targets come from the file alone: a target flag beside it would be silently ignored.
    static func rejectTargetFlags(_ raw: RawSettings) throws(ConfigError) {
        let defaults = RawSettings.defaults()
        let given: [(String, Bool)] = [
            ("--atlas.base-url", raw.baseURL != defaults.baseURL), ("--atlas.org-id", !raw.orgIDs.isEmpty),
            ("--atlas.public-key", raw.publicKey != nil), ("--atlas.private-key-file", raw.privateKeyFile != nil),
            ("--atlas.client-id", raw.clientID != nil), ("--atlas.client-secret-file", raw.clientSecretFile != nil),
            ("--atlas.ca-file", raw.caFile != nil), ("--atlas.connect-timeout", raw.connectTimeout != defaults.connectTimeout),
            ("--atlas.timeout", raw.requestTimeout != defaults.requestTimeout), ("--atlas.token-url", raw.tokenURL != nil),
            ("--atlas.max-listing-items", raw.maxListingItems != nil), ("--atlas.max-listing-size", raw.maxListingSize != nil),
        ]
        if let flag = given.first(where: \.1)?.0 {
            throw ConfigError(field: flag, "not allowed with --config.file: set it in the file's target")
        }
    }

    /// A configuration for the built-in simulator (`--demo`): no validation of credentials needed.
    public init(demoBaseURL: String, credentials: DigestCredentials, from raw: RawSettings) throws(ConfigError) {
        var environment: [String: String] = [:]
        environment[Self.privateKeyVariable] = credentials.password
        var raw = raw
        raw.baseURL = demoBaseURL
        raw.publicKey = credentials.username
        raw.privateKeyFile = nil
        raw.clientID = nil
        raw.caFile = nil
        raw.configFile = nil
        try self.init(raw, environment: environment)
    }

    static func validateBaseURL(_ text: String) throws(ConfigError) -> String {
        try TargetChecks.named("--atlas.base-url") { () throws(ConfigError) in try TargetChecks.baseURL(text) }
    }

    static func isObjectID(_ text: String) -> Bool {
        text.utf8.count == 24 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }

    /// A secret from `file` if given, else from the environment `variable`.
    static func loadSecret(file: String?, fileFlag: String, variable: String, environment: [String: String],
                           what: String) throws(ConfigError) -> String {
        if let file {
            return try readSecretFile(file, field: fileFlag)
        }
        guard let secret = environment[variable], !secret.isEmpty else {
            throw ConfigError(field: variable, "missing: set it, or \(fileFlag), to the \(what)")
        }
        return secret
    }

    /// The trimmed content of a secret file; never echoes the content in an error.
    static func readSecretFile(_ path: String, field: String) throws(ConfigError) -> String {
        try TargetChecks.named(field) { () throws(ConfigError) in try TargetChecks.secretFile(path) }
    }

    static func duration(_ text: String, field: String, range: ClosedRange<Duration>) throws(ConfigError) -> Duration {
        try TargetChecks.named(field) { () throws(ConfigError) in try TargetChecks.duration(text, range: range) }
    }

    static func logLevel(_ text: String) throws(ConfigError) -> Logger.Level {
        switch text {
        case "debug": return .debug
        case "info": return .info
        case "warn", "warning": return .warning
        case "error": return .error
        default: throw ConfigError(field: "--log.level", "\"\(text)\" is not one of debug, info, warn, error")
        }
    }
}
