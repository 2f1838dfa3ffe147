import ArgumentParser

/// The `service_accounts` collector's flag, beside the collector (the command includes it with `@OptionGroup`).
public struct ServiceAccountsCollectorFlags: ParsableArguments {
    @Flag(name: .customLong("collector.service-accounts"), inversion: .prefixedNo,
          help: "Inventory the organizations' service accounts and their secrets. Default: on for Atlas v2 base URLs.")
    public var enabled: Bool?

    public init() {}

    public func apply(to raw: inout RawSettings) {
        raw.serviceAccounts = enabled
    }
}
