import Foundation
import Yams

/// Reads one target of a config file, with the same checks as the flags.
struct TargetReader {
    let reader: NodeReader
    let path: String

    func read(_ node: Node) throws(ConfigError) -> TargetConfig {
        guard let mapping = node.mapping else { throw reader.error(at: node, path, "must be a mapping") }
        try reader.rejectUnknownKeys(mapping, allowed: ConfigFile.targetKeys, path: path)
        func value(_ key: String) throws(ConfigError) -> String? {
            guard let node = mapping[key] else { return nil }
            return try reader.string(node, "\(path).\(key)")
        }
        /// Runs a check of the flags' validation, relocating its error to this file, line and field.
        func located<T>(_ key: String, _ check: () throws(ConfigError) -> T) throws(ConfigError) -> T {
            do {
                return try check()
            } catch {
                throw reader.error(at: mapping[key] ?? node, "\(path).\(key)", error.message)
            }
        }

        guard let name = try value("name"), !name.isEmpty else {
            throw reader.error(at: mapping["name"] ?? node, "\(path).name", "required: the target label of its series")
        }
        let baseURL = try located("base_url") { () throws(ConfigError) in
            try ExporterConfig.validateBaseURL(try value("base_url") ?? RawSettings().baseURL)
        }
        var orgSelection = OrgSelection.discover
        if let orgNode = mapping["org_ids"] {
            let ids = try reader.strings(orgNode, "\(path).org_ids")
            for id in ids where !ExporterConfig.isObjectID(id) {
                throw reader.error(at: orgNode, "\(path).org_ids", "\"\(id)\" is not an organization id (24 hexadecimal characters)")
            }
            if !ids.isEmpty { orgSelection = .configured(Array(Set(ids)).sorted()) }
        }

        var transport = TransportOptions()
        if let text = try value("connect_timeout") {
            transport.connectTimeout = try located("connect_timeout") { () throws(ConfigError) in
                try ExporterConfig.duration(text, field: "connect_timeout", range: DurationRange.timeout)
            }
        }
        if let text = try value("timeout") {
            transport.requestTimeout = try located("timeout") { () throws(ConfigError) in try ExporterConfig.duration(text, field: "timeout", range: DurationRange.timeout) }
        }
        if let text = try value("max_listing_items") {
            guard let items = Int(text), (1...10_000_000).contains(items) else {
                throw reader.error(at: mapping["max_listing_items"] ?? node, "\(path).max_listing_items",
                                   "\"\(text)\" is not a whole number between 1 and 10000000")
            }
            transport.listingLimits.maxItems = items
        }
        if let text = try value("max_listing_size") {
            guard let bytes = ByteSize.parse(text), (1 << 20 ... 64 << 30).contains(bytes) else {
                throw reader.error(at: mapping["max_listing_size"] ?? node, "\(path).max_listing_size",
                                   "\"\(text)\" is not a size between 1MiB and 64GiB (e.g. 512MiB)")
            }
            transport.listingLimits.maxBytes = bytes
        }
        if let caFile = try value("ca_file") {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw reader.error(at: mapping["ca_file"]!, "\(path).ca_file", "cannot read \"\(caFile)\"")
            }
            transport.caFile = caFile
        }
        return TargetConfig(name: name, baseURL: baseURL, orgSelection: orgSelection,
                            credentials: try credentials(mapping, node: node, baseURL: baseURL, value: value),
                            transport: transport)
    }

    /// Exactly one of an API key (`public_key` + a private key) or a service account (`client_id` + a secret).
    private func credentials(
        _ mapping: Node.Mapping, node: Node, baseURL: String, value: (String) throws(ConfigError) -> String?
    ) throws(ConfigError) -> TargetCredentials {
        let publicKey = try value("public_key")
        let clientID = try value("client_id")
        switch (publicKey, clientID) {
        case (let publicKey?, nil):
            let privateKey = try secret(mapping, inline: "private_key", file: "private_key_file", node: node, value: value)
            return .apiKey(DigestCredentials(username: publicKey, password: privateKey))
        case (nil, let clientID?):
            let clientSecret = try secret(mapping, inline: "client_secret", file: "client_secret_file", node: node, value: value)
            let tokenURL = try value("token_url") ?? ServiceAccountCredentials.defaultTokenURL(forBaseURL: baseURL)
            return .serviceAccount(ServiceAccountCredentials(clientID: clientID, clientSecret: clientSecret, tokenURL: tokenURL))
        case (.some, .some):
            throw reader.error(at: mapping["client_id"]!, "\(path).client_id", "give public_key or client_id, not both")
        case (nil, nil):
            throw reader.error(at: node, path, "needs credentials: public_key with private_key(_file), or client_id with client_secret(_file)")
        }
    }

    /// A secret from exactly one of an inline value (usually `${ENV}`) or a file.
    private func secret(
        _ mapping: Node.Mapping, inline: String, file: String, node: Node, value: (String) throws(ConfigError) -> String?
    ) throws(ConfigError) -> String {
        switch (try value(inline), try value(file)) {
        case (let secret?, nil):
            guard !secret.isEmpty else { throw reader.error(at: mapping[inline]!, "\(path).\(inline)", "is empty") }
            return secret
        case (nil, let filePath?):
            do {
                return try ExporterConfig.readSecretFile(filePath, field: file)
            } catch {
                throw reader.error(at: mapping[file]!, "\(path).\(file)", error.message)
            }
        case (.some, .some):
            throw reader.error(at: mapping[file]!, "\(path).\(file)", "give \(inline) or \(file), not both")
        case (nil, nil):
            throw reader.error(at: node, path, "missing \(inline) or \(file)")
        }
    }
}
