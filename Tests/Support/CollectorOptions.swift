import APIKeyExporter
import Logging

/// The collector switches most suites set, as one value: the exporter keeps each collector's settings in its own
/// folder (`CollectorSettings`), and this turns the switches into them.
public struct CollectorOptions: Sendable {
    public var accessLists: Bool
    public var accessListConcurrency: Int
    public var orgConcurrency: Int
    public var shard: Shard
    /// nil: on for Atlas v2 base URLs only.
    public var serviceAccounts: Bool?
    public var activityFeed: Bool
    /// nil: on for `/api/public/v1.0` base URLs only (both).
    public var globalKeys: Bool?
    public var agentKeys: Bool?
    /// nil: on for Atlas base URLs only.
    public var orgSettings: Bool?
    /// nil: on for Atlas v2 base URLs only.
    public var mcpConfigs: Bool?
    public var ownerLabels = OwnerLabels()
    /// `--storage.path`; nil: no state kept across restarts.
    public var storagePath: String?
    /// The model API key and project feed collectors; nil: on by the base URL's flavour (Atlas v2).
    public var aiModelKeys: Bool?
    public var projectFeed: Bool?

    public init(accessLists: Bool = false, accessListConcurrency: Int = 4, orgConcurrency: Int = 4, shard: Shard = .all,
                serviceAccounts: Bool? = nil, activityFeed: Bool = true, globalKeys: Bool? = nil, agentKeys: Bool? = nil,
                orgSettings: Bool? = nil, mcpConfigs: Bool? = nil, aiModelKeys: Bool? = nil, projectFeed: Bool? = nil) {
        self.orgSettings = orgSettings
        self.mcpConfigs = mcpConfigs
        self.aiModelKeys = aiModelKeys
        self.projectFeed = projectFeed
        self.globalKeys = globalKeys
        self.agentKeys = agentKeys
        self.accessLists = accessLists
        self.accessListConcurrency = accessListConcurrency
        self.orgConcurrency = orgConcurrency
        self.shard = shard
        self.serviceAccounts = serviceAccounts
        self.activityFeed = activityFeed
    }

    public var settings: CollectorSettings {
        var settings = CollectorSettings()
        settings[AccessListReading.self] = AccessListReading(enabled: accessLists, concurrency: accessListConcurrency)
        settings[CollectorSwitches.self] = CollectorSwitches(enabled: [
            "service_accounts": serviceAccounts, "activity_feed": activityFeed, "global_keys": globalKeys,
            "agent_keys": agentKeys, "org_settings": orgSettings, "mcp_configs": mcpConfigs,
            "ai_model_keys": aiModelKeys, "project_feed": projectFeed,
        ].compactMapValues { $0 })
        settings[OwnerLabels.self] = ownerLabels
        return settings
    }

    public var poll: PollOptions {
        PollOptions(orgConcurrency: orgConcurrency, shard: shard, storagePath: storagePath)
    }
}

extension TargetPoller {
    public convenience init(name: String, orgSelection: OrgSelection, requestCounter: RequestCounter,
                            retryBudget: RetryBudget = RetryBudget(), logger: Logger, collectors: CollectorOptions,
                            makeClient: @escaping () -> AtlasClient) {
        self.init(name: name, orgSelection: orgSelection, requestCounter: requestCounter, retryBudget: retryBudget,
                  logger: logger, poll: collectors.poll, collectors: collectors.settings, makeClient: makeClient)
    }
}

extension ExporterAssembly {
    /// A target's poller as the exporter builds one, its secrets registered first as `TargetApplier` does.
    public static func makeTargetPoller(_ target: TargetConfig, collectors: CollectorOptions, cpuGate: CPUGate = CPUGate(width: 1),
                                        logger: Logger) -> TargetPoller {
        SecretRedactor.shared.register(target.credentials)
        return makeTargetPoller(target, settings: collectors.settings, poll: collectors.poll, cpuGate: cpuGate, logger: logger)
    }
}
