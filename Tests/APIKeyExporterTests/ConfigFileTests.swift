import APIKeyExporter
import AtlasSimulator
import Foundation
import Testing

@Suite("--config.file")
struct ConfigFileTests {
    static let environment = ["PROD_KEY": "prod-private-key", "SA_SECRET": "sa-secret"]

    static func parse(_ yaml: String) throws(ConfigError) -> [TargetConfig] {
        try ConfigFile.parse(yaml, file: "exporter.yml", environment: environment)
    }

    @Test("several targets: API key and service account, env references, defaults")
    func validFile() throws {
        let targets = try Self.parse("""
            targets:
              - name: prod
                public_key: abcdefgh
                private_key: ${PROD_KEY}
                org_ids: [5980cfc70b6d97029d82e3f6]
              - name: opsmanager
                base_url: https://om.example.com:8443/api/public/v1.0/
                client_id: mdb_sa_id_1
                client_secret: ${SA_SECRET}
                timeout: 30s
                connect_timeout: 5s
            """)
        #expect(targets.map(\.name) == ["prod", "opsmanager"])
        #expect(targets[0].baseURL == "https://cloud.mongodb.com/api/atlas/v2")
        #expect(targets[0].credentials == .apiKey(DigestCredentials(username: "abcdefgh", password: "prod-private-key")))
        #expect(targets[0].orgSelection == .configured(["5980cfc70b6d97029d82e3f6"]))
        #expect(targets[1].baseURL == "https://om.example.com:8443/api/public/v1.0")
        #expect(targets[1].orgSelection == .discover)
        #expect(targets[1].credentials == .serviceAccount(ServiceAccountCredentials(
            clientID: "mdb_sa_id_1", clientSecret: "sa-secret", tokenURL: "https://om.example.com:8443/api/oauth/token")))
        #expect(targets[1].transport.requestTimeout == .seconds(30))
        #expect(targets[1].transport.connectTimeout == .seconds(5))
    }

    @Test("each mistake names the file, the line and the field", arguments: [
        ("targets:\n  - name: a\n    public_key: k\n    private_key: x\n    privat_key_file: /x\n", "exporter.yml:5: targets[0].privat_key_file", "unknown field"),
        ("target: []\n", "exporter.yml:1: target", "unknown field"),
        ("targets: []\n", "exporter.yml:1: targets", "non-empty"),
        ("targets:\n  - public_key: k\n    private_key: x\n", "exporter.yml:2: targets[0].name", "required"),
        ("targets:\n  - name: a\n    public_key: k\n    private_key: x\n    timeout: soon\n", "exporter.yml:5: targets[0].timeout", "not a duration"),
        ("targets:\n  - name: a\n    public_key: k\n    private_key: x\n    org_ids: [nope]\n", "exporter.yml:5: targets[0].org_ids", "not an organization id"),
        ("targets:\n  - name: a\n    base_url: ftp://x\n    public_key: k\n    private_key: x\n", "exporter.yml:3: targets[0].base_url", "not an http(s) URL"),
        ("targets:\n  - name: a\n    public_key: k\n    private_key: ${MISSING}\n", "exporter.yml:4: targets[0].private_key", "MISSING is not set"),
        ("targets:\n  - name: a\n    public_key: k\n", "exporter.yml:2: targets[0]", "missing private_key"),
        ("targets:\n  - name: a\n    public_key: k\n    private_key: x\n    private_key_file: /f\n", "exporter.yml:5: targets[0].private_key_file", "not both"),
        ("targets:\n  - name: a\n    public_key: k\n    private_key: x\n  - name: a\n    client_id: c\n    client_secret: s\n", "exporter.yml:5: targets[1].name", "used by another target"),
        ("targets:\n  - name: a\n    public_key: k\n    private_key_file: /nonexistent/key\n", "exporter.yml:4: targets[0].private_key_file", "cannot read"),
        ("targets: [\n", "exporter.yml", "not valid YAML"),
    ])
    func mistakes(yaml: String, field: String, message: String) {
        do {
            _ = try Self.parse(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(!error.description.contains("prod-private-key") && !error.description.contains("sa-secret"))
        }
    }

    @Test("target flags beside --config.file are refused")
    func flagsWithFile() {
        var raw = RawSettings()
        raw.configFile = "/nonexistent.yml"
        raw.orgIDs = ["5980cfc70b6d97029d82e3f6"]
        #expect(throws: ConfigError(field: "--atlas.org-id", "not allowed with --config.file: set it in the file's target")) {
            try ExporterConfig(raw, environment: [:])
        }
    }

    @Test("the binary polls every target of a config file, reloads it on SIGHUP, and keeps running on a bad one")
    func binaryWithConfigFile() async throws {
        let inventory = InventoryGenerator(seed: 71, keysPerOrg: [12, 7]).generate()
        try await withSimulator(inventory) { _, running in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(UUID().uuidString).yml")
            try Data("""
                targets:
                  - name: v2
                    base_url: \(running.baseURL("/api/atlas/v2"))
                    public_key: \(testPublicKey)
                    private_key: ${TEST_PRIVATE_KEY}
                  - name: cloud-manager
                    base_url: \(running.baseURL("/api/public/v1.0"))
                    public_key: \(testPublicKey)
                    private_key: ${TEST_PRIVATE_KEY}
                    org_ids: [\(inventory.orgs[0].id)]

                """.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let exporter = try ExporterProcess(
                arguments: ["--config.file", file.path, "--web.listen-address", "127.0.0.1:0"],
                environment: ["TEST_PRIVATE_KEY": testPrivateKey])
            let port = try await exporter.waitForListeningPort()
            try await exporter.waitUntilReady(port: port)
            let samples = try ExpositionParser.parse(String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self))
            let counts = samples.filter { $0.name == "mongodb_api_keys" }.map { "\($0.labels["target"]!)/\($0.labels["org_id"]!)=\(Int($0.value))" }
            #expect(Set(counts) == Set(inventory.orgs.map { "v2/\($0.id)=\($0.keys.count)" } + ["cloud-manager/\(inventory.orgs[0].id)=\(inventory.orgs[0].keys.count)"]))
            #expect(samples.first { $0.name == "mongodb_apikey_exporter_config_last_reload_successful" }?.value == 1)

            // SIGHUP with a third target: it is polled at once.
            try Data((try String(contentsOf: file, encoding: .utf8) + """
                  - name: v1
                    base_url: \(running.baseURL("/api/atlas/v1.0"))
                    public_key: \(testPublicKey)
                    private_key: ${TEST_PRIVATE_KEY}

                """).utf8).write(to: file)
            exporter.send(SIGHUP)
            var targets = Set<String>()
            for _ in 0..<600 where !targets.contains("v1") {
                try await Task.sleep(for: .milliseconds(100))
                let text = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
                targets = Set(try ExpositionParser.parse(text).filter { $0.name == "mongodb_api_keys" }.map { $0.labels["target"]! })
            }
            #expect(targets == ["v2", "cloud-manager", "v1"])

            // SIGHUP with a broken file: nothing changes but the reload gauge, and the error names the line.
            try Data("targets:\n  - name: broken\n    public_kee: x\n".utf8).write(to: file)
            exporter.send(SIGHUP)
            var reloaded = 1.0
            for _ in 0..<600 where reloaded == 1 {
                try await Task.sleep(for: .milliseconds(100))
                let text = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
                reloaded = try ExpositionParser.parse(text).first { $0.name == "mongodb_apikey_exporter_config_last_reload_successful" }?.value ?? 1
            }
            #expect(reloaded == 0)
            #expect(exporter.stderr.contains("configuration reload failed"))
            #expect(exporter.stderr.contains("\(file.path):3: targets[0].public_kee"))
            let after = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
            #expect(Set(try ExpositionParser.parse(after).filter { $0.name == "mongodb_api_keys" }.map { $0.labels["target"]! })
                    == ["v2", "cloud-manager", "v1"])
            #expect(!exporter.stderr.contains(testPrivateKey))
            #expect(try await exporter.terminate() == 0)
        }
    }
}
