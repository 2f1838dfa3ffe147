import ArgumentParser

/// One collector's settings, declared in its folder; `init()` gives the defaults.
public protocol CollectorSetting: Sendable, Equatable {
    init()
}

/// The settings of every collector, each under its own type, so that a collector's options never pass through a
/// shared struct: the flags and a config file's target write them, the collector reads them.
public struct CollectorSettings: Sendable, Equatable {
    private var values: [ObjectIdentifier: any CollectorSetting] = [:]

    public init() {}

    /// The setting of type `S`, or its defaults.
    public subscript<S: CollectorSetting>(_ type: S.Type) -> S {
        get { values[ObjectIdentifier(type)] as? S ?? S() }
        set { values[ObjectIdentifier(type)] = newValue }
    }

    /// The setting of type `S` if one was given.
    public func value<S: CollectorSetting>(_ type: S.Type) -> S? {
        values[ObjectIdentifier(type)] as? S
    }

    public var isEmpty: Bool { values.isEmpty }

    public static func == (lhs: CollectorSettings, rhs: CollectorSettings) -> Bool {
        lhs.values.count == rhs.values.count && lhs.values.allSatisfy { key, value in
            rhs.values[key].map { value.isEqual(to: $0) } ?? false
        }
    }
}

extension CollectorSetting {
    fileprivate func isEqual(to other: any CollectorSetting) -> Bool {
        (other as? Self) == self
    }
}

/// What a collector's flags need to know to turn into settings.
public struct FlagContext: Sendable {
    /// `--demo`: some collectors are on by default there only.
    public var demo: Bool
    /// `--poll.interval`, which some defaults follow.
    public var pollInterval: Duration

    public init(demo: Bool, pollInterval: Duration) {
        self.demo = demo
        self.pollInterval = pollInterval
    }
}

/// A collector's flags (its folder declares them; `CollectorFlags` gathers them for the command line).
public protocol CollectorFlagSet: ParsableArguments, Sendable {
    /// Validates the flags into the collector's settings; a bad value throws an error naming its flag.
    func apply(to settings: inout CollectorSettings, context: FlagContext) throws(ConfigError)
}
