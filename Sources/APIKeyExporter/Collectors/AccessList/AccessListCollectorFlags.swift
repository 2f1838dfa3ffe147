import ArgumentParser

/// The `access_list` collector's flags. They switch the reading of access lists for every kind of credential (a
/// service account's too), so their settings are the seam's `AccessListReading`.
struct AccessListCollectorFlags: CollectorFlagSet {
    @Flag(name: .customLong("collector.access-list"), inversion: .prefixedNo,
          help: "Fetch every key's IP access list each cycle (one request per key). Default: off, on with --demo.")
    var enabled: Bool?

    @Option(name: .customLong("collector.access-list.concurrency"), help: "Access-list requests in flight at once (1-32).")
    var concurrency = AccessListReading().concurrency

    init() {}

    /// Without the flag the collector is on in demo mode only.
    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError) {
        guard (1...32).contains(concurrency) else {
            throw ConfigError(field: "--collector.access-list.concurrency", "\"\(concurrency)\" is not between 1 and 32")
        }
        settings[AccessListReading.self] = AccessListReading(enabled: enabled ?? context.demo, concurrency: concurrency)
    }
}
