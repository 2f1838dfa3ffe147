import ArgumentParser

/// The `agent_keys` collector's flag.
struct AgentKeysCollectorFlags: CollectorFlagSet {
    @Flag(name: .customLong("collector.agent-keys"), inversion: .prefixedNo,
          help: "Inventory each project's agent API keys (Cloud Manager, Ops Manager). Default: on for /api/public/v1.0 base URLs.")
    var enabled: Bool?

    init() {}

    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError) {
        settings[AgentKeysSetting.self] = AgentKeysSetting(enabled: enabled)
    }
}
