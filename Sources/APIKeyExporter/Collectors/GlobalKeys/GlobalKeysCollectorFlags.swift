import ArgumentParser

/// Whether the `global_keys` collector runs: the flag, and a config file's target key `global_keys` over it.
public struct GlobalKeysSetting: CollectorSetting {
    /// nil: on for `/api/public/v1.0` base URLs (Ops Manager) only.
    public var enabled: Bool?

    public init() {}

    public init(enabled: Bool?) {
        self.enabled = enabled
    }
}

/// The `global_keys` collector's flag.
struct GlobalKeysCollectorFlags: CollectorFlagSet {
    @Flag(name: .customLong("collector.global-keys"), inversion: .prefixedNo,
          help: "Inventory Ops Manager's global API keys and their access list (Global Read Only). Default: on for /api/public/v1.0 base URLs.")
    var enabled: Bool?

    init() {}

    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError) {
        settings[GlobalKeysSetting.self] = GlobalKeysSetting(enabled: enabled)
    }
}
