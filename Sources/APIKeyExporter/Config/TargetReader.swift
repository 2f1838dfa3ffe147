#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads one target of a config file, with the same checks as the flags.
struct TargetReader {
    let reader: NodeReader
    let path: String

    func read(_ node: Node) throws(ConfigError) -> TargetConfig {
        guard let mapping = node.mapping else { throw reader.error(at: node, path, "must be a mapping") }
        try reader.rejectUnknownKeys(mapping, allowed: ConfigFile.targetKeys.union(CollectorRegistry.targetKeys), path: path)
        let keys = TargetKeys(reader: reader, mapping: mapping, node: node, path: path)
        func value(_ key: String) throws(ConfigError) -> String? {
            try keys.string(key)
        }
        func located<T>(_ key: String, _ check: () throws(ConfigError) -> T) throws(ConfigError) -> T {
            try keys.located(key, check)
        }

        guard let name = try value("name"), !name.isEmpty else {
            throw reader.error(at: mapping["name"] ?? node, "\(path).name", "required: the target label of its series")
        }
        let baseURL = try located("base_url") { () throws(ConfigError) in
            try TargetChecks.baseURL(try value("base_url") ?? RawSettings.defaults().baseURL)
        }
        var orgSelection = OrgSelection.discover
        if let orgNode = mapping["org_ids"] {
            let ids = try reader.strings(orgNode, "\(path).org_ids")
            orgSelection = try located("org_ids") { () throws(ConfigError) in try TargetChecks.orgSelection(ids) }
        }

        var transport = TransportOptions()
        if let text = try value("connect_timeout") {
            transport.connectTimeout = try located("connect_timeout") { () throws(ConfigError) in
                try TargetChecks.duration(text, range: DurationRange.timeout)
            }
        }
        if let text = try value("timeout") {
            transport.requestTimeout = try located("timeout") { () throws(ConfigError) in
                try TargetChecks.duration(text, range: DurationRange.timeout)
            }
        }
        if let text = try value("max_listing_items") {
            transport.listingLimits.maxItems = try located("max_listing_items") { () throws(ConfigError) in
                try TargetChecks.listingItems(text)
            }
        }
        if let text = try value("max_listing_size") {
            transport.listingLimits.maxBytes = try located("max_listing_size") { () throws(ConfigError) in
                try TargetChecks.listingSize(text)
            }
        }
        if let caFile = try value("ca_file") {
            transport.caFile = try located("ca_file") { () throws(ConfigError) in try TargetChecks.readableFile(caFile) }
        }
        var collectors = try CollectorRegistry.readTarget(keys)
        if let ownerNode = mapping["owner_labels"] {
            collectors[OwnerLabels.self] = try reader.ownerLabels(ownerNode, "\(path).owner_labels")
        }
        return TargetConfig(name: name, baseURL: baseURL, orgSelection: orgSelection,
                            credentials: try credentials(mapping, node: node, baseURL: baseURL, value: value),
                            transport: transport, collectors: collectors)
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
            throw reader.error(at: mapping["client_id"] ?? node, "\(path).client_id", "give public_key or client_id, not both")
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
            guard !secret.isEmpty else { throw reader.error(at: mapping[inline] ?? node, "\(path).\(inline)", "is empty") }
            return secret
        case (nil, let filePath?):
            do {
                return try TargetChecks.secretFile(filePath)
            } catch {
                throw reader.error(at: mapping[file] ?? node, "\(path).\(file)", error.message)
            }
        case (.some, .some):
            throw reader.error(at: mapping[file] ?? node, "\(path).\(file)", "give \(inline) or \(file), not both")
        case (nil, nil):
            throw reader.error(at: node, path, "missing \(inline) or \(file)")
        }
    }
}
