@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The security posture families against an independent server: Apache httpd (real Digest) serving bodies in the
/// shapes of MongoDB's spec (`PostureFixtures`): one org whose settings have every field, one whose settings leave
/// fields out, then an API without settings (404) and a key refused them (403).
@Suite("Security posture against spec-shaped bodies served by Apache", .serialized)
struct PostureSpecTests {
    static let full = PostureFixtures.fullOrgID
    static let partial = PostureFixtures.partialOrgID
    /// The organization security types of MongoDB's spec (`OrgEventTypeViewForOrg`), written out here.
    static let securityTypes = [
        "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED", "ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED", "ORG_EMPLOYEE_ACCESS_RESTRICTED",
        "ORG_EMPLOYEE_ACCESS_UNRESTRICTED", "ORG_UI_IP_ACCESS_LIST_ENABLED", "ORG_UI_IP_ACCESS_LIST_DISABLED",
        "ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED", "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRING",
        "ORG_SERVICE_ACCOUNT_SECRETS_EXPIRED", "ORG_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRING",
        "ORG_SERVICE_ACCOUNT_SECRETS_NO_LONGER_EXPIRED",
    ]

    /// Polls the Apache fixtures `polls` times with every collector at its Atlas default; the last state, the
    /// exposition's lines and the log.
    static func poll(refusals: [String: Int] = [:], withoutSettings: Bool = false, extraFiles: [String: String] = [:],
                     collectors: CollectorOptions = CollectorOptions(),
                     polls: Int = 1) async throws -> (TargetState, [String], [String]) {
        let apache = try await offPool {
            try PostureFixtures.start(withoutSettings: withoutSettings, refusals: refusals, extraFiles: extraFiles)
        }
        defer { apache.stop() }
        let sink = LogSink.capturing()
        let handle = PollerHandle(poller: TestTargets.make(apache.baseURL + PostureFixtures.prefix, orgs: .discover,
                                                           sink: sink, collectors: collectors))
        var state = TargetState(name: "default")
        for _ in 0..<polls { state = try await handle.poll().1 }
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        return (state, text.split(separator: "\n").map(String.init), sink.captured)
    }

    static func settingsLines(_ lines: [String]) -> Set<String> {
        Set(lines.filter {
            ["mongodb_org_api_access_list_required{", "mongodb_org_multi_factor_auth_required{",
             "mongodb_org_restrict_employee_access{", "mongodb_org_service_account_secret_max_validity_seconds{",
             "mongodb_org_security_contact_defined{", "mongodb_org_gen_ai_features_enabled{"]
                .contains(where: $0.hasPrefix)
        })
    }

    @Test("settings: every field the answer has, none it leaves out; security events and the new key types exactly")
    func fullAndPartial() async throws {
        let (state, lines, log) = try await Self.poll()
        let full = "target=\"default\",org_id=\"\(Self.full)\""
        let partial = "target=\"default\",org_id=\"\(Self.partial)\""
        #expect(Self.settingsLines(lines) == [
            "mongodb_org_api_access_list_required{\(full)} 1", "mongodb_org_multi_factor_auth_required{\(full)} 1",
            "mongodb_org_restrict_employee_access{\(full)} 1", "mongodb_org_service_account_secret_max_validity_seconds{\(full)} 2592000",
            "mongodb_org_api_access_list_required{\(partial)} 0", "mongodb_org_multi_factor_auth_required{\(partial)} 0",
            "mongodb_org_security_contact_defined{\(full)} 1", "mongodb_org_gen_ai_features_enabled{\(full)} 0",
            "mongodb_org_security_contact_defined{\(partial)} 0", "mongodb_org_gen_ai_features_enabled{\(partial)} 1",
        ])
        let security = Set(lines.filter { $0.hasPrefix("mongodb_org_security_events_total{") })
        let expected = Set(Self.securityTypes.map { "mongodb_org_security_events_total{\(full),event_type=\"\($0)\"} 1" }
            + Self.securityTypes.map { "mongodb_org_security_events_total{\(partial),event_type=\"\($0)\"} 0" })
        #expect(security == expected, "\(security.symmetricDifference(expected).sorted())")
        for type in ["API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED", "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_DISABLED"] {
            #expect(lines.contains("mongodb_api_key_events_total{\(full),event_type=\"\(type)\"} 1"))
            #expect(lines.contains("mongodb_api_key_events_total{\(partial),event_type=\"\(type)\"} 0"))
        }
        #expect(!lines.contains { $0.contains("ORG_RENAMED") }, "an org event outside the security types is not read")
        #expect(state.collectorOutcomes["org_settings"]?.succeeded == true)
        // Each security event logged once, with who acted; the two delegated ones name their principal.
        let securityLog = log.filter { $0.contains("msg=\"org security event\"") }
        #expect(securityLog.count == 11)
        let delegated = securityLog.filter { $0.contains("delegate_principal=") }
        #expect(delegated.count == 2)
        #expect(delegated.contains {
            $0.contains("event_type=ORG_EMPLOYEE_ACCESS_RESTRICTED") && $0.contains("actor=alice@example.com")
                && $0.contains("delegate_principal=\"Terraform Cloud (OAuth) (66aa00000000000000000d01)\"")
        })
        #expect(delegated.contains {
            $0.contains("event_type=ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED") && $0.contains("actor=\"api key robotkey\"")
                && $0.contains("delegate_principal=\"Atlas Admin Assistant (66aa00000000000000000d02)\"")
        })
        let check = try await promtoolCheckMetrics(Array(lines.joined(separator: "\n").appending("\n").utf8))
        #expect(check.status == 0, "\(check.output)")
    }

    /// A key and a service account of the first org with access lists in the spec's shapes (`UserAccessListResponse`:
    /// `count` and `lastUsedAddress`, left out of an entry never used; `ServiceAccountIPAccessListEntry`:
    /// `requestCount` and `lastUsedAddress`, `lastUsedAt`).
    static let usageFiles: [String: String] = {
        let org = "\(PostureFixtures.prefix)/orgs/\(full)"
        let keyID = "65f1c0a1b2c3d4e5f6a7b9a1"
        let clientID = "mdb_sa_id_65f1c0a1b2c3d4e5f6a7b9a2"
        return [
            "\(org)/apiKeys": #"{"links":[],"results":[{"desc":"payments exporter","id":"\#(keyID)","links":[],"privateKey":"********-****-****-1b7c","publicKey":"qwertyui","roles":[{"orgId":"\#(full)","roleName":"ORG_READ_ONLY"}]}],"totalCount":1}"#,
            "\(org)/apiKeys/\(keyID)/accessList": #"{"links":[],"results":[{"cidrBlock":"203.0.113.0/24","count":42,"created":"2026-01-05T10:00:00Z","lastUsed":"2026-03-10T10:00:00Z","lastUsedAddress":"203.0.113.7","links":[]},{"cidrBlock":"198.51.100.5/32","count":8,"created":"2026-01-05T10:00:00Z","ipAddress":"198.51.100.5","lastUsed":"2026-03-12T08:00:00Z","lastUsedAddress":"198.51.100.5","links":[]},{"cidrBlock":"192.0.2.0/24","created":"2026-02-01T00:00:00Z","links":[]}],"totalCount":3}"#,
            "\(org)/serviceAccounts": #"{"links":[],"results":[{"clientId":"\#(clientID)","createdAt":"2026-01-02T00:00:00Z","description":"ci","name":"deployer","roles":["ORG_MEMBER"],"secrets":[]}],"totalCount":1}"#,
            "\(org)/serviceAccounts/\(clientID)/accessList": #"{"links":[],"results":[{"cidrBlock":"203.0.113.0/24","createdAt":"2026-01-02T00:00:00Z","lastUsedAddress":"203.0.113.9","lastUsedAt":"2026-03-11T00:00:00Z","requestCount":17},{"cidrBlock":"10.0.0.0/8","createdAt":"2026-01-02T00:00:00Z","requestCount":0}],"totalCount":2}"#,
        ]
    }()

    @Test("usage: requests summed over the entries, the latest entry's address; a never-used entry adds nothing")
    func usage() async throws {
        let (_, lines, log) = try await Self.poll(extraFiles: Self.usageFiles, collectors: CollectorOptions(accessLists: true))
        let org = "target=\"default\",org_id=\"\(Self.full)\""
        let usage = Set(lines.filter { $0.contains("_access_list_requests{") || $0.contains("_last_used_address_info{") })
        #expect(usage == [
            "mongodb_api_key_access_list_requests{\(org),key_id=\"65f1c0a1b2c3d4e5f6a7b9a1\"} 50",
            "mongodb_api_key_last_used_address_info{\(org),key_id=\"65f1c0a1b2c3d4e5f6a7b9a1\",address=\"198.51.100.5\"} 1",
            "mongodb_service_account_access_list_requests{\(org),client_id=\"mdb_sa_id_65f1c0a1b2c3d4e5f6a7b9a2\"} 17",
            "mongodb_service_account_last_used_address_info{\(org),client_id=\"mdb_sa_id_65f1c0a1b2c3d4e5f6a7b9a2\",address=\"203.0.113.9\"} 1",
        ], "\(usage.sorted())")
        #expect(!log.joined().contains("1b7c"), "the masked private key never comes out")
    }

    @Test("an API without settings (404): no settings series, one line over two polls, the collector not failed")
    func withoutSettings() async throws {
        let (state, lines, log) = try await Self.poll(withoutSettings: true, polls: 2)
        #expect(Self.settingsLines(lines).isEmpty)
        #expect(log.filter { $0.contains("no organization settings (404)") }.count == 1)
        #expect(state.collectorOutcomes["org_settings"] == nil, "unsupported: no outcome")
        #expect(!lines.contains { $0.contains("collector=\"org_settings\"") }, "unsupported: no series")
        #expect(state.orgs.values.allSatisfy { $0.lastPollSucceeded })
    }

    @Test("a 403 on one org's settings fails org_settings there only; the other org's settings and all keys stay")
    func refused() async throws {
        let (state, lines, log) = try await Self.poll(refusals: ["\(PostureFixtures.prefix)/orgs/\(Self.partial)/settings": 403])
        #expect(state.orgs[Self.partial]?.collectorOutcomes["org_settings"]?.succeeded == false)
        #expect(state.orgs[Self.full]?.collectorOutcomes["org_settings"]?.succeeded == true)
        #expect(state.orgs.values.allSatisfy { $0.lastPollSucceeded }, "the key inventory is unaffected")
        #expect(lines.contains("mongodb_apikey_exporter_collector_success{target=\"default\",collector=\"org_settings\",org_id=\"\(Self.partial)\"} 0"))
        #expect(lines.contains("mongodb_apikey_exporter_collector_success{target=\"default\",collector=\"org_settings\",org_id=\"\(Self.full)\"} 1"))
        #expect(Self.settingsLines(lines).allSatisfy { $0.contains(Self.full) })
        #expect(Self.settingsLines(lines).count == 6)
        #expect(log.contains { $0.contains("organization settings read failed") && $0.contains(Self.partial) })
    }
}
