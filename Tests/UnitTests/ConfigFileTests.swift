import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
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

    /// Each file of `Tests/Fixtures/bad-configs/`, with the field and the words its error must name.
    @Test("each mistake names the file, the line and the field", arguments: [
        ("unknown-field", "exporter.yml:5: targets[0].privat_key_file", "unknown field"),
        ("unknown-top-level", "exporter.yml:1: target", "unknown field"),
        ("empty-targets", "exporter.yml:1: targets", "non-empty"),
        ("missing-name", "exporter.yml:2: targets[0].name", "required"),
        ("bad-timeout", "exporter.yml:5: targets[0].timeout", "not a duration"),
        ("bad-org-id", "exporter.yml:5: targets[0].org_ids", "not an organization id"),
        ("bad-base-url", "exporter.yml:3: targets[0].base_url", "not an http(s) URL"),
        ("unset-variable", "exporter.yml:4: targets[0].private_key", "MISSING is not set"),
        ("missing-private-key", "exporter.yml:2: targets[0]", "missing private_key"),
        ("private-key-twice", "exporter.yml:5: targets[0].private_key_file", "not both"),
        ("duplicate-name", "exporter.yml:5: targets[1].name", "used by another target"),
        ("unreadable-key-file", "exporter.yml:4: targets[0].private_key_file", "cannot read"),
        ("broken-yaml", "exporter.yml", "not valid YAML"),
        ("owner-label-bad-name", "exporter.yml:2: owner_labels[0].label", "not a label name"),
        ("owner-label-clash", "exporter.yml:4: owner_labels[1].label", "already a label of mongodb_api_key_info"),
        ("owner-label-twice", "exporter.yml:4: owner_labels[1].label", "given twice"),
        ("owner-label-bad-regex", "exporter.yml:7: targets[0].owner_labels[0].regex", "not a valid regular expression"),
        ("owner-label-no-group", "exporter.yml:3: owner_labels[0].regex", "exactly one capture group (it has 0)"),
    ])
    func mistakes(fixture: String, field: String, message: String) {
        let yaml = Repository.fixtureText("bad-configs/\(fixture).yml")
        #expect(!yaml.isEmpty, "fixture \(fixture)")
        do {
            _ = try Self.parse(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(!error.description.contains("prod-private-key") && !error.description.contains("sa-secret"))
        }
    }

    @Test("owner_labels: the top-level list is every target's unless a target gives its own")
    func ownerLabels() throws {
        let targets = try Self.parse("""
            owner_labels:
              - label: team
                regex: 'team=([a-z0-9-]+)'
              - label: owner
                regex: '^\\[([^\\]]+)\\]'
            targets:
              - name: a
                public_key: k
                private_key: x
              - name: b
                public_key: k
                private_key: x
                owner_labels:
                  - label: squad
                    regex: 'squad:(\\S+)'
            """)
        #expect(targets[0].collectors.value(OwnerLabels.self)?.names == ["team", "owner"])
        #expect(targets[1].collectors.value(OwnerLabels.self)?.names == ["squad"])
        #expect(targets[0].collectors.value(OwnerLabels.self)?.labels.map(\.pattern) == ["team=([a-z0-9-]+)", "^\\[([^\\]]+)\\]"])
    }

    @Test("target flags beside --config.file are refused")
    func flagsWithFile() {
        var raw = RawSettings.defaults()
        raw.configFile = "/nonexistent.yml"
        raw.orgIDs = ["5980cfc70b6d97029d82e3f6"]
        #expect(throws: ConfigError(field: "--atlas.org-id", "not allowed with --config.file: set it in the file's target")) {
            try ExporterConfig(raw, environment: [:])
        }
    }

}
