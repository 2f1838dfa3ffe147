import ArgumentParser

/// Every collector's on/off switch for a target, by collector name: its flag `--[no-]collector.<name>`, and a config
/// file's target key `<name>` over it. A collector nothing switches runs on the API flavours it names
/// (`SwitchableCollector.onByDefault`).
public struct CollectorSwitches: CollectorSetting {
    public var enabled: [String: Bool] = [:]

    public init() {}

    public init(enabled: [String: Bool]) {
        self.enabled = enabled
    }

    public subscript(_ collector: String) -> Bool? {
        get { enabled[collector] }
        set { enabled[collector] = newValue }
    }
}

/// A collector that can be switched on and off per target; the seam reads its flag, its file key and its default.
protocol SwitchableCollector: Collector {
    /// The flavours it runs on when neither its flag nor its file key says.
    static var onByDefault: Set<APIFlavor> { get }
    /// Its flag's help, ending with what the default is.
    static var switchHelp: String { get }
}

extension SwitchableCollector {
    static var switchFlag: String { "collector." + name.replacing("_", with: "-") }
    static var targetKeys: [String] { [name] }

    static func readTarget(_ keys: TargetKeys, into settings: inout CollectorSettings) throws(ConfigError) {
        try readSwitch(keys, into: &settings)
    }

    static func readSwitch(_ keys: TargetKeys, into settings: inout CollectorSettings) throws(ConfigError) {
        if let enabled = try keys.bool(name) { settings[CollectorSwitches.self][name] = enabled }
    }

    static func configLines(_ settings: CollectorSettings) -> [String] {
        switchConfigLines(settings)
    }

    static func switchConfigLines(_ settings: CollectorSettings) -> [String] {
        let flavors = onByDefault.map(\.label).sorted().joined(separator: ", ")
        return ["\(name): \(settings[CollectorSwitches.self][name].map { "\($0)" } ?? "auto  # on for \(flavors)")"]
    }

    static func targetConfigLines(_ settings: CollectorSettings) -> [String] {
        settings.value(CollectorSwitches.self)?[name].map { ["\(name): \($0)"] } ?? []
    }
}

extension CollectorTarget {
    /// Whether collector `C` runs for this target, and whether a flag or file key said so (then an API that lacks
    /// what it reads is a failure, not "unsupported").
    func switchState<C: SwitchableCollector>(_ collector: C.Type) -> (on: Bool, explicit: Bool) {
        let said = overrides.value(CollectorSwitches.self)?[C.name] ?? settings[CollectorSwitches.self][C.name]
        return (said ?? C.onByDefault.contains(flavor), said == true)
    }
}

/// A switchable collector's flag, declared once for all of them.
struct SwitchFlag<C: SwitchableCollector>: CollectorFlagSet {
    @Flag(name: .customLong(C.switchFlag), inversion: .prefixedNo, help: ArgumentHelp(C.switchHelp))
    var enabled: Bool?

    init() {}

    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError) {
        settings[CollectorSwitches.self][C.name] = enabled
    }
}

extension APIFlavor {
    /// How the docs and `/config` name it.
    var label: String {
        switch self {
        case .atlasV2: "Atlas v2"
        case .atlasV1: "Atlas v1.0"
        case .publicV1: "/api/public/v1.0"
        case .other: "other base URLs"
        }
    }

    static let all: Set<APIFlavor> = [.atlasV2, .atlasV1, .publicV1, .other]
}
