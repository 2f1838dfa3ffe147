#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The page `/config` serves: the running configuration as YAML, as blackbox_exporter shows its own. Built from the
/// validated configuration, so it shows what is in effect (flags and file alike, environment variables expanded),
/// with every secret replaced by `<secret>`: private keys, client secrets, basic auth hashes; and whatever a
/// configured secret turns up in (a path, a URL) redacted as in the logs.
public enum ConfigPage {
    static let secret = "<secret>"

    public static func render(_ config: ExporterConfig) -> String {
        var html = HTML.head(title: "MongoDB API Key Exporter: configuration", telemetryPath: config.telemetryPath)
        html += """
            <h2>Configuration</h2>
            <p class="muted">\(config.configFile == nil ? "As loaded at start" : "As loaded at start, with the targets of the last successful reload (SIGHUP)")\
            . Secrets are shown as <code>\(HTML.escape(secret))</code>.</p>
            <pre id="config">\(HTML.escape(SecretRedactor.shared.redactKnownSecrets(yaml(config))))</pre>

            """
        return html + HTML.tail
    }

    /// The configuration as YAML; values are quoted as YAML strings.
    static func yaml(_ config: ExporterConfig) -> String {
        var lines = [
            "poll_interval: \(HTML.duration(config.pollInterval))",
            "listen_address: \(quote(config.listenAddress.description))",
            "telemetry_path: \(quote(config.telemetryPath))",
            "config_file: \(config.configFile.map(quote) ?? "null")",
            "collectors:",
            "  key_info: \(config.keyInfo)",
        ]
        lines += CollectorRegistry.all.flatMap { $0.configLines(config.collectors) }.map { "  " + $0 }
        lines += [
            "poll_concurrency: \(config.poll.orgConcurrency)",
            "shard: {index: \(config.poll.shard.index), count: \(config.poll.shard.count)}",
            "storage_path: \(config.poll.storagePath.map(quote) ?? "null")",
            "log: {level: \(config.logLevel), format: \(config.logFormat.rawValue)}",
        ]
        lines += web(config.webConfig)
        lines.append("targets:")
        for target in config.targets {
            lines += self.target(target).enumerated().map { $0.offset == 0 ? "  - \($0.element)" : "    \($0.element)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func web(_ web: WebConfig?) -> [String] {
        guard let web else { return ["web_config: null"] }
        var lines = ["web_config:"]
        if let tls = web.tls {
            lines += ["  tls_server_config:", "    cert_file: \(quote(tls.certFile))", "    key_file: \(quote(tls.keyFile))",
                      "    client_ca_file: \(tls.clientCAFile.map(quote) ?? "null")",
                      "    client_auth_type: \(tls.clientAuth.rawValue)"]
        }
        if !web.basicAuthUsers.isEmpty {
            lines.append("  basic_auth_users:")
            lines += web.basicAuthUsers.keys.sorted().map { "    \(quote($0)): \(quote(secret))" }
        }
        return lines
    }

    static func target(_ target: TargetConfig) -> [String] {
        var lines = ["name: \(quote(target.name))", "base_url: \(quote(target.baseURL))"]
        switch target.orgSelection {
        case .discover: lines.append("org_ids: []  # discovered with GET /orgs")
        case .configured(let ids): lines.append("org_ids: [\(ids.map(quote).joined(separator: ", "))]")
        }
        switch target.credentials {
        case .apiKey(let digest):
            lines += ["api_key:", "  public_key: \(quote(digest.username))", "  private_key: \(quote(secret))"]
        case .serviceAccount(let account):
            lines += ["service_account:", "  client_id: \(quote(account.clientID))", "  client_secret: \(quote(secret))",
                      "  token_url: \(quote(account.tokenURL))"]
        }
        let transport = target.transport
        lines += ["connect_timeout: \(HTML.duration(transport.connectTimeout))",
                  "timeout: \(HTML.duration(transport.requestTimeout))",
                  "ca_file: \(transport.caFile.map(quote) ?? "null")",
                  "max_listing_items: \(transport.listingLimits.maxItems)",
                  "max_listing_size: \(ByteSize.format(transport.listingLimits.maxBytes))"]
        lines += CollectorRegistry.all.flatMap { $0.targetConfigLines(target.collectors) }
        return lines
    }

    /// A YAML double-quoted string (the log's JSON quoting: every JSON string is one).
    static func quote(_ text: String) -> String {
        LineLogHandler.quoted(text)
    }
}
