import ArgumentParser

/// Every collector the exporter knows. Adding a collector: a folder under `Collectors/`, its line here, and its
/// flags' line in `CollectorFlags` below (when it has flags). Nothing else names it. The order of this list means
/// nothing: org collectors run in the order their declared dependencies give (`CollectorOrder`).
enum CollectorRegistry {
    static let all: [any Collector.Type] = [
        KeysCollector.self,
        NamesCollector.self,
        AccessListCollector.self,
        ServiceAccountsCollector.self,
        MCPConfigsCollector.self,
        OrgSettingsCollector.self,
        ActivityFeedCollector.self,
        GlobalKeysCollector.self,
        AgentKeysCollector.self,
        AIModelKeysCollector.self,
        ProjectFeedCollector.self,
    ]

    /// The org collectors in running order.
    static let orgCollectors: [any OrgCollector.Type] = CollectorOrder.ordered(all.compactMap { $0 as? any OrgCollector.Type })
    static var targetCollectors: [any TargetCollector.Type] { all.compactMap { $0 as? any TargetCollector.Type } }
    static var persistentOrgCollectors: [any PersistentOrgCollector.Type] {
        all.compactMap { $0 as? any PersistentOrgCollector.Type }
    }
    static var persistentTargetCollectors: [any PersistentTargetCollector.Type] {
        all.compactMap { $0 as? any PersistentTargetCollector.Type }
    }

    /// Every collector's keys in a config file's target.
    static var targetKeys: Set<String> { Set(all.flatMap { $0.targetKeys }) }

    /// One target's collector settings from its keys in a config file.
    static func readTarget(_ keys: TargetKeys) throws(ConfigError) -> CollectorSettings {
        var settings = CollectorSettings()
        for collector in all {
            try collector.readTarget(keys, into: &settings)
        }
        return settings
    }

    /// The enabled collectors of one target, in running order.
    static func make(_ target: CollectorTarget) -> (orgs: [any OrgCollector], target: [any TargetCollector]) {
        (orgCollectors.compactMap { $0.make(target) }, targetCollectors.compactMap { $0.make(target) })
    }
}

/// The collectors' flags, as the command line takes them; each set is declared in its collector's folder.
public struct CollectorFlags: ParsableArguments, Sendable {
    @Flag(name: .customLong("collector.key-info"), inversion: .prefixedNo,
          help: "Export the per-credential families (one series per key or account: info, roles, creation time).")
    public var keyInfo = true

    @OptionGroup(title: "The access-list collector")
    var accessList: AccessListCollectorFlags

    @OptionGroup(title: "The service-account collector")
    var serviceAccounts: SwitchFlag<ServiceAccountsCollector>

    @OptionGroup(title: "The remote-MCP-configuration collector (Atlas v2)")
    var mcpConfigs: SwitchFlag<MCPConfigsCollector>

    @OptionGroup(title: "The organization-settings collector (Atlas)")
    var orgSettings: SwitchFlag<OrgSettingsCollector>

    @OptionGroup(title: "The activity-feed collector")
    var activityFeedSwitch: SwitchFlag<ActivityFeedCollector>

    @OptionGroup(title: "The activity-feed collector")
    var activityFeed: ActivityFeedCollectorFlags

    @OptionGroup(title: "The global-keys collector (Ops Manager)")
    var globalKeys: SwitchFlag<GlobalKeysCollector>

    @OptionGroup(title: "The agent-keys collector (Cloud Manager, Ops Manager)")
    var agentKeys: SwitchFlag<AgentKeysCollector>

    @OptionGroup(title: "The model API key collector (Atlas v2)")
    var aiModelKeys: SwitchFlag<AIModelKeysCollector>

    @OptionGroup(title: "The project-feed collector (Atlas v2)")
    var projectFeedSwitch: SwitchFlag<ProjectFeedCollector>

    @OptionGroup(title: "The project-feed collector (Atlas v2)")
    var projectFeed: ProjectFeedCollectorFlags

    public init() {}

    private var sets: [any CollectorFlagSet] {
        [accessList, serviceAccounts, mcpConfigs, orgSettings, activityFeedSwitch, activityFeed, globalKeys, agentKeys,
         aiModelKeys, projectFeedSwitch, projectFeed]
    }

    /// Every collector's settings from its flags.
    public func settings(context: FlagContext) throws(ConfigError) -> CollectorSettings {
        var settings = CollectorSettings()
        for set in sets {
            try set.apply(to: &settings, context: context)
        }
        return settings
    }
}
