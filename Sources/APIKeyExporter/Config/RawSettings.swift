#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Settings as the command line and the environment give them, before validation.
public struct RawSettings: Sendable {
    public var baseURL = "https://cloud.mongodb.com/api/atlas/v2"
    public var orgIDs: [String] = []
    public var publicKey: String?
    public var privateKeyFile: String?
    public var clientID: String?
    public var clientSecretFile: String?
    public var caFile: String?
    public var configFile: String?
    public var connectTimeout = "10s"
    public var requestTimeout = "60s"
    public var pollInterval = "5m"
    public var listenAddress = ":\(ListenAddress.defaultPort)"
    public var telemetryPath = "/metrics"
    public var webConfigFile: String?
    /// `--[no-]collector.key-info` and every collector's flags, as parsed; nil: their defaults.
    public var collectorFlags: CollectorFlags?
    /// `--demo`: some collectors are on by default there only.
    public var demo = false
    public var pollConcurrency = 4
    public var shardCount = 1
    public var shardIndex = "0"
    /// `--storage.path`: nil keeps no state across restarts.
    public var storagePath: String?
    public var logLevel = "info"
    public var logFormat = "logfmt"

    public init() {}
}
