/// One API endpoint and credential to poll: from the flags (named `default`) or from a target of `--config.file`.
public struct TargetConfig: Sendable, Equatable {
    /// The `target` label of every series this target produces.
    public var name: String
    public var baseURL: String
    public var orgSelection: OrgSelection
    public var credentials: TargetCredentials
    public var transport: TransportOptions
    /// The collectors' settings this target's config-file keys give, over the flags' (empty from the flags).
    public var collectors: CollectorSettings

    public init(name: String, baseURL: String, orgSelection: OrgSelection, credentials: TargetCredentials,
                transport: TransportOptions, collectors: CollectorSettings = CollectorSettings()) {
        self.collectors = collectors
        self.name = name
        self.baseURL = baseURL
        self.orgSelection = orgSelection
        self.credentials = credentials
        self.transport = transport
    }
}

