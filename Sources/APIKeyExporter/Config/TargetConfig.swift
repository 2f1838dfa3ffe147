/// One API endpoint and credential to poll: from the flags (named `default`) or from a target of `--config.file`.
public struct TargetConfig: Sendable, Equatable {
    /// The `target` label of every series this target produces.
    public var name: String
    public var baseURL: String
    public var orgSelection: OrgSelection
    public var credentials: TargetCredentials
    public var transport: TransportOptions
    /// `service_accounts` in the config file: this target's service-account collector, over the flag; nil: the flag.
    public var serviceAccounts: Bool?
    /// `activity_feed` in the config file: this target's activity-feed collector, over the flag; nil: the flag.
    public var activityFeed: Bool?

    public init(name: String, baseURL: String, orgSelection: OrgSelection, credentials: TargetCredentials,
                transport: TransportOptions, serviceAccounts: Bool? = nil, activityFeed: Bool? = nil) {
        self.serviceAccounts = serviceAccounts
        self.activityFeed = activityFeed
        self.name = name
        self.baseURL = baseURL
        self.orgSelection = orgSelection
        self.credentials = credentials
        self.transport = transport
    }
}

extension TransportOptions: Equatable {
    public static func == (lhs: TransportOptions, rhs: TransportOptions) -> Bool {
        lhs.connectTimeout == rhs.connectTimeout && lhs.requestTimeout == rhs.requestTimeout && lhs.caFile == rhs.caFile
            && lhs.clientCertificateFile == rhs.clientCertificateFile && lhs.clientKeyFile == rhs.clientKeyFile
            && lhs.userAgent == rhs.userAgent && lhs.maxBodyBytes == rhs.maxBodyBytes && lhs.verifyPeer == rhs.verifyPeer
            && lhs.listingLimits == rhs.listingLimits
    }
}
