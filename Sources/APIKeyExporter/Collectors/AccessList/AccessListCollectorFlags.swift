import ArgumentParser

/// The `access_list` collector's flags, beside the collector (the command includes them with `@OptionGroup`).
public struct AccessListCollectorFlags: ParsableArguments {
    @Flag(name: .customLong("collector.access-list"), inversion: .prefixedNo,
          help: "Fetch every key's IP access list each cycle (one request per key). Default: off, on with --demo.")
    public var enabled: Bool?

    @Option(name: .customLong("collector.access-list.concurrency"), help: "Access-list requests in flight at once (1-32).")
    public var concurrency = RawSettings().accessListConcurrency

    public init() {}

    /// Applies the flags to the settings; without the flag the collector is on in demo mode only.
    public func apply(to raw: inout RawSettings, demo: Bool) {
        raw.accessLists = enabled ?? demo
        raw.accessListConcurrency = concurrency
    }
}
