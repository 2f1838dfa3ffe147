import ArgumentParser

/// Whether the `service_accounts` collector runs: the flag, and a config file's target key `service_accounts` over it.
public struct ServiceAccountsSetting: CollectorSetting {
    /// nil: on for Atlas v2 base URLs only.
    public var enabled: Bool?

    public init() {}

    public init(enabled: Bool?) {
        self.enabled = enabled
    }
}

/// The `service_accounts` collector's flag.
struct ServiceAccountsCollectorFlags: CollectorFlagSet {
    @Flag(name: .customLong("collector.service-accounts"), inversion: .prefixedNo,
          help: "Inventory the organizations' service accounts and their secrets. Default: on for Atlas v2 base URLs.")
    var enabled: Bool?

    init() {}

    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError) {
        settings[ServiceAccountsSetting.self] = ServiceAccountsSetting(enabled: enabled)
    }
}
