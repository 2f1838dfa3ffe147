#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `--web.config.file`, in the format of prometheus/exporter-toolkit: TLS for the web server (optionally asking for
/// client certificates) and HTTP basic auth with bcrypt hashes.
///
/// ```yaml
/// tls_server_config:
///   cert_file: /etc/exporter/server.crt
///   key_file: /etc/exporter/server.key
///   client_ca_file: /etc/exporter/clients-ca.crt      # optional: mutual TLS
///   client_auth_type: RequireAndVerifyClientCert     # or VerifyClientCertIfGiven, NoClientCert
/// basic_auth_users:
///   prometheus: $2y$10$...                           # htpasswd -nBC 10 "" | tr -d ':\n'
/// ```
public struct WebConfig: Sendable, Equatable {
    public struct TLS: Sendable, Equatable {
        public var certFile: String
        public var keyFile: String
        public var clientCAFile: String?
        public var clientAuth: ClientAuth
    }

    public enum ClientAuth: String, Sendable, Equatable {
        case none = "NoClientCert"
        case verifyIfGiven = "VerifyClientCertIfGiven"
        case requireAndVerify = "RequireAndVerifyClientCert"
    }

    public var tls: TLS?
    /// User name to bcrypt hash.
    public var basicAuthUsers: [String: String]

    public static func load(path: String) throws(ConfigError) -> WebConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(field: "--web.config.file", "cannot read \"\(path)\"")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    public static func parse(_ yaml: String, file: String) throws(ConfigError) -> WebConfig {
        let root: Node?
        do {
            root = try YAML.compose(yaml)
        } catch {
            throw ConfigError(field: file, "not valid YAML")
        }
        let reader = NodeReader(file: file, environment: [:])
        guard let root else { return WebConfig(tls: nil, basicAuthUsers: [:]) }
        guard let top = root.mapping else { throw reader.error(at: root, "", "must be a mapping") }
        try reader.rejectUnknownKeys(top, allowed: ["tls_server_config", "basic_auth_users"], path: "")

        var users: [String: String] = [:]
        if let usersNode = top["basic_auth_users"] {
            guard let mapping = usersNode.mapping else { throw reader.error(at: usersNode, "basic_auth_users", "must be a mapping") }
            for (key, value) in mapping {
                let user = key.string ?? ""
                let hash = try reader.string(value, "basic_auth_users.\(user)")
                guard BcryptVerifier.isBcryptHash(hash) else {
                    throw reader.error(at: value, "basic_auth_users.\(user)", "is not a bcrypt hash ($2a$, $2b$ or $2y$)")
                }
                users[user] = hash
            }
        }
        return WebConfig(tls: try readTLS(top["tls_server_config"], reader: reader), basicAuthUsers: users)
    }

    private static func readTLS(_ node: Node?, reader: NodeReader) throws(ConfigError) -> TLS? {
        guard let node else { return nil }
        guard let mapping = node.mapping else { throw reader.error(at: node, "tls_server_config", "must be a mapping") }
        try reader.rejectUnknownKeys(mapping, allowed: ["cert_file", "key_file", "client_ca_file", "client_auth_type"],
                                     path: "tls_server_config")
        func file(_ key: String, required: Bool) throws(ConfigError) -> String? {
            guard let valueNode = mapping[key] else {
                if required { throw reader.error(at: node, "tls_server_config.\(key)", "required") }
                return nil
            }
            let path = try reader.string(valueNode, "tls_server_config.\(key)")
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw reader.error(at: valueNode, "tls_server_config.\(key)", "cannot read \"\(path)\"")
            }
            return path
        }
        let clientCA = try file("client_ca_file", required: false)
        var clientAuth: ClientAuth = clientCA == nil ? .none : .requireAndVerify
        if let authNode = mapping["client_auth_type"] {
            let text = try reader.string(authNode, "tls_server_config.client_auth_type")
            guard let parsed = ClientAuth(rawValue: text) else {
                throw reader.error(at: authNode, "tls_server_config.client_auth_type",
                                   "\"\(text)\" is not one of NoClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert")
            }
            clientAuth = parsed
        }
        if clientAuth != .none, clientCA == nil {
            throw reader.error(at: node, "tls_server_config.client_ca_file", "required by client_auth_type \(clientAuth.rawValue)")
        }
        return TLS(certFile: try file("cert_file", required: true)!, keyFile: try file("key_file", required: true)!,
                   clientCAFile: clientCA, clientAuth: clientAuth)
    }
}
