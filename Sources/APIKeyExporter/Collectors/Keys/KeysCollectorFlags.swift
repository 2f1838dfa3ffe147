import ArgumentParser

/// The `keys` collector's flags, beside the collector (the command includes them with `@OptionGroup`).
public struct KeysCollectorFlags: ParsableArguments {
    @Flag(name: .customLong("collector.key-info"), inversion: .prefixedNo, help: "Export mongodb_api_key_info, one series per key.")
    public var keyInfo = true

    public init() {}

    /// Applies the flags to the settings.
    public func apply(to raw: inout RawSettings) {
        raw.keyInfo = keyInfo
    }
}
