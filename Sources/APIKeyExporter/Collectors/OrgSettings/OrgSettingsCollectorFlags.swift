import ArgumentParser

/// Whether the `org_settings` collector runs: the flag, and a config file's target key `org_settings` over it.
public struct OrgSettingsSetting: CollectorSetting {
    /// nil: on for Atlas base URLs only (Cloud and Ops Manager have no such resource).
    public var enabled: Bool?

    public init() {}

    public init(enabled: Bool?) {
        self.enabled = enabled
    }
}

/// The `org_settings` collector's flag.
struct OrgSettingsCollectorFlags: CollectorFlagSet {
    @Flag(name: .customLong("collector.org-settings"), inversion: .prefixedNo,
          help: "Read each organization's security settings (API access list and MFA required, employee access, service account secret validity). Default: on for Atlas base URLs.")
    var enabled: Bool?

    init() {}

    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError) {
        settings[OrgSettingsSetting.self] = OrgSettingsSetting(enabled: enabled)
    }
}
