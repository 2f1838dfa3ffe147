/// One target of a config file as a collector reads its own keys from it: each value checked as the flags are,
/// an error located by file, line and field (`exporter.yml:9: targets[1].activity_feed: ...`).
public struct TargetKeys {
    let reader: NodeReader
    let mapping: Node.Mapping
    let node: Node
    let path: String

    /// The key's value with `${NAME}` expanded, or nil when the target does not set it.
    public func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = mapping[key] else { return nil }
        return try reader.string(value, "\(path).\(key)")
    }

    /// `true` or `false`, or nil when not set.
    public func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let text = try string(key) else { return nil }
        guard let flag = Bool(text) else { throw error(key, "\"\(text)\" is not true or false") }
        return flag
    }

    /// A duration (`30s`, `5m`, `1h30m`) within `range`, or nil when not set.
    public func duration(_ key: String, range: ClosedRange<Duration>) throws(ConfigError) -> Duration? {
        guard let text = try string(key) else { return nil }
        return try located(key) { () throws(ConfigError) in try TargetChecks.duration(text, range: range) }
    }

    /// `message` located at the key (or the target, when the key is absent).
    public func error(_ key: String, _ message: String) -> ConfigError {
        reader.error(at: mapping[key] ?? node, "\(path).\(key)", message)
    }

    /// Runs a check of the flags' validation, relocating its error to this file, line and field.
    func located<T>(_ key: String, _ check: () throws(ConfigError) -> T) throws(ConfigError) -> T {
        do {
            return try check()
        } catch {
            throw self.error(key, error.message)
        }
    }
}
