#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `--config.file`: several targets in YAML (the README shows one), read strictly. An unknown key, a missing or bad
/// value is an error that names the file, the line and the field (`exporter.yml:7: targets[1].timeout: ...`).
/// `${NAME}` in any value is replaced by the environment variable NAME; an unset variable is an error.
public enum ConfigFile {
    /// A target's own keys; each collector adds its own (see `CollectorRegistry.targetKeys`).
    static let targetKeys: Set<String> = [
        "name", "base_url", "org_ids", "public_key", "private_key", "private_key_file", "client_id", "client_secret",
        "client_secret_file", "token_url", "ca_file", "connect_timeout", "timeout", "max_listing_items", "max_listing_size",
        "owner_labels",
    ]

    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> [TargetConfig] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(field: "--config.file", "cannot read \"\(path)\"")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path, environment: environment)
    }

    public static func parse(_ yaml: String, file: String, environment: [String: String]) throws(ConfigError) -> [TargetConfig] {
        let root: Node?
        do {
            root = try YAML.compose(yaml)
        } catch {
            throw ConfigError(field: file, "not valid YAML: \(error)")
        }
        let reader = NodeReader(file: file, environment: environment)
        guard let root, let top = root.mapping else {
            throw ConfigError(field: file, "must be a mapping with a targets list")
        }
        try reader.rejectUnknownKeys(top, allowed: ["targets", "owner_labels"], path: "")
        // The top-level list is every target's, unless a target gives its own.
        let ownerLabels = try top["owner_labels"].map { node throws(ConfigError) in try reader.ownerLabels(node, "owner_labels") }
        guard let targetsNode = top["targets"], let targets = targetsNode.sequence, !targets.isEmpty else {
            throw reader.error(at: top["targets"] ?? root, "targets", "must be a non-empty list of targets")
        }
        var configs: [TargetConfig] = []
        for (index, node) in targets.enumerated() {
            var config = try TargetReader(reader: reader, path: "targets[\(index)]").read(node)
            if let ownerLabels, config.collectors.value(OwnerLabels.self) == nil {
                config.collectors[OwnerLabels.self] = ownerLabels
            }
            if configs.contains(where: { $0.name == config.name }) {
                throw reader.error(at: node, "targets[\(index)].name", "\"\(config.name)\" is used by another target")
            }
            configs.append(config)
        }
        return configs
    }

}

/// Reads values out of YAML nodes, locating every error by file, line and field path.
struct NodeReader {
    let file: String
    let environment: [String: String]

    func error(at node: Node, _ field: String, _ message: String) -> ConfigError {
        let line = node.mark.map { ":\($0.line)" } ?? ""
        return ConfigError(field: "\(file)\(line): \(field)", message)
    }

    func rejectUnknownKeys(_ mapping: Node.Mapping, allowed: Set<String>, path: String) throws(ConfigError) {
        for (key, _) in mapping {
            let name = key.string ?? "?"
            if !allowed.contains(name) {
                throw error(at: key, path.isEmpty ? name : "\(path).\(name)", "unknown field (known: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// A scalar as a string with `${NAME}` expanded.
    func string(_ node: Node, _ field: String) throws(ConfigError) -> String {
        guard let scalar = node.scalar else { throw error(at: node, field, "must be a single value") }
        return try expand(scalar.string, at: node, field)
    }

    func strings(_ node: Node, _ field: String) throws(ConfigError) -> [String] {
        guard let sequence = node.sequence else { throw error(at: node, field, "must be a list") }
        var values: [String] = []
        for (index, item) in sequence.enumerated() {
            values.append(try string(item, "\(field)[\(index)]"))
        }
        return values
    }

    private func expand(_ text: String, at node: Node, _ field: String) throws(ConfigError) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw error(at: node, field, "unclosed ${ in value")
            }
            let name = String(rest[start.upperBound..<end])
            guard let value = environment[name] else {
                throw error(at: node, field, "environment variable \(name) is not set")
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
