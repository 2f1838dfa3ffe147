@testable import APIKeyExporter
import Foundation
import TestSupport
import Testing

/// Service accounts Atlas manages, project access lists, remote MCP configurations, delegation settings and OAuth
/// events against Apache httpd serving bodies shaped as MongoDB's spec shows them (`Tests/Fixtures/mcp/`): an API we
/// did not write, which hides system-managed accounts unless asked and answers the MCP, delegation and
/// service-account paths only with their own media type versions (406 otherwise).
@Suite("Remote MCP and delegated access against spec-shaped bodies served by Apache", .serialized)
struct MCPSpecTests {
    static let orgID = "65f1c0a1b2c3d4e5f6a7c001"
    static let projectID = "65f1c0a1b2c3d4e5f6a7c101"
    static let own = "mdb_sa_id_65f1c0a1b2c3d4e5f6a7c201"
    static let ingress = "mdb_sa_id_65f1c0a1b2c3d4e5f6a7c202"
    static let egress = "mdb_sa_id_65f1c0a1b2c3d4e5f6a7c203"
    static let c1 = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    static let c2 = "3f2504e0-4f89-41d3-9a0c-0305e82c3302"
    static let c3 = "3f2504e0-4f89-41d3-9a0c-0305e82c3303"
    static let v2 = "/api/atlas/v2"
    static let prefixes = ["mongodb_service_accounts{", "mongodb_service_account_info", "mongodb_service_account_project_access_list",
                           "mongodb_mcp_", "mongodb_org_delegated", "mongodb_org_refresh_token", "mongodb_org_security_contact",
                           "mongodb_org_gen_ai", "mongodb_org_oauth_events_total"]

    static func fixture(_ name: String) -> String { Repository.fixtureText("mcp/\(name)") }

    /// The paths and their bodies before the round.
    static var files: [String: String] {
        let org = "\(v2)/orgs/\(orgID)", project = "\(v2)/groups/\(projectID)"
        var files = [
            "\(org)/serviceAccounts": fixture("service-accounts-own.json"),
            "\(project)/serviceAccounts": fixture("project-service-accounts-own.json"),
            "\(project)/serviceAccounts/\(own)/accessList": fixture("project-access-list.json"),
            "\(project)/serviceAccounts/\(ingress)/accessList": fixture("empty-listing.json"),
            "\(org)/mcpConfigs": fixture("mcp-org.json"),
            "\(project)/mcpConfigs": fixture("mcp-project.json"),
            "\(org)/mcpConfigs/\(c1)/secrets": fixture("mcp-org-secrets.json"),
            "\(org)/mcpConfigs/\(c3)/secrets": fixture("mcp-org-secrets-after.json"),
            "\(project)/mcpConfigs/\(c2)/secrets": fixture("mcp-project-secrets.json"),
            "\(org)/settings": fixture("settings.json"),
            "\(org)/delegationSettings": fixture("delegation.json"),
            "\(org)/events": fixture("events.json"),
        ]
        for account in [own, ingress, egress] { files["\(org)/serviceAccounts/\(account)/accessList"] = fixture("empty-listing.json") }
        return files
    }

    /// A configuration added and one removed, a secret added, roles changed, a project access list used,
    /// delegation widened, two OAuth events.
    static let round = [
        "\(v2)/orgs/\(orgID)/mcpConfigs": "mcp-org-after.json",
        "\(v2)/groups/\(projectID)/mcpConfigs": "mcp-project-after.json",
        "\(v2)/groups/\(projectID)/mcpConfigs/\(c2)/secrets": "mcp-project-secrets-after.json",
        "\(v2)/groups/\(projectID)/serviceAccounts/\(own)/accessList": "project-access-list-used.json",
        "\(v2)/orgs/\(orgID)/delegationSettings": "delegation-after.json",
        "\(v2)/orgs/\(orgID)/events": "events-after.json",
    ]

    static func lines(_ org: OrgStatus) -> (all: String, selected: Set<String>) {
        var state = TargetState(name: "default")
        state.orgs[orgID] = org
        let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
        let selected = text.split(separator: "\n").map(String.init).filter { line in prefixes.contains { line.hasPrefix($0) } }
        return (text, Set(selected))
    }

    static func expected(afterRound: Bool) -> Set<String> {
        let l = "target=\"default\",org_id=\"\(orgID)\""
        let p = projectID
        var lines: Set<String> = [
            "mongodb_service_accounts{\(l),system_managed=\"false\"} 1",
            "mongodb_service_accounts{\(l),system_managed=\"true\"} 2",
            "mongodb_service_account_info{\(l),client_id=\"\(own)\",name=\"ci-deployer\",description=\"CI deployments\",system_managed=\"false\"} 1",
            "mongodb_service_account_info{\(l),client_id=\"\(ingress)\",name=\"mcp-ingress-support-agents\",description=\"Ingress service account of MCP configuration support-agents\",system_managed=\"true\"} 1",
            "mongodb_service_account_info{\(l),client_id=\"\(egress)\",name=\"mcp-egress-support-agents\",description=\"\",system_managed=\"true\"} 1",
            "mongodb_service_account_project_access_list_entries{\(l),project_id=\"\(p)\",client_id=\"\(own)\"} 1",
            "mongodb_service_account_project_access_list_entries{\(l),project_id=\"\(p)\",client_id=\"\(ingress)\"} 0",
            "mongodb_mcp_configs{\(l),project_id=\"\"} 1",
            "mongodb_mcp_configs{\(l),project_id=\"\(p)\"} 1",
            "mongodb_mcp_config_access_list_entries{\(l),project_id=\"\(p)\",mcp_config_id=\"\(c2)\"} 0",
            "mongodb_mcp_config_secret_created_timestamp_seconds{\(l),project_id=\"\(p)\",mcp_config_id=\"\(c2)\",secret_id=\"65f1c0a1b2c3d4e5f6a7e002\"} 1771113600",
            "mongodb_mcp_config_secret_expiry_timestamp_seconds{\(l),project_id=\"\(p)\",mcp_config_id=\"\(c2)\",secret_id=\"65f1c0a1b2c3d4e5f6a7e002\"} 1774915200",
            "mongodb_org_delegated_mcp_access{\(l),access=\"DISALLOWED\"} 0",
            "mongodb_org_delegated_partner_access{\(l),access=\"DISALLOWED\"} 1",
            "mongodb_org_delegated_partner_access{\(l),access=\"READ_WRITE\"} 0",
            "mongodb_org_refresh_token_idle_lifetime_seconds{\(l)} 3600",
            "mongodb_org_security_contact_defined{\(l)} 0",
            "mongodb_org_gen_ai_features_enabled{\(l)} 1",
        ]
        let changes = afterRound ? ["added": 1, "removed": 1, "roles_changed": 1, "secret_added": 1, "secret_removed": 0]
            : ["added": 0, "removed": 0, "roles_changed": 0, "secret_added": 0, "secret_removed": 0]
        for (change, count) in changes { lines.insert("mongodb_mcp_config_changes_total{\(l),change=\"\(change)\"} \(count)") }
        var oauth = Dictionary(uniqueKeysWithValues: OAuthEventType.all.map { ($0, 0) })
        oauth["OAUTH_CLIENT_CREATED"] = 1
        oauth["OAUTH_TOKEN_ISSUED"] = afterRound ? 2 : 1
        if afterRound { oauth["OAUTH_USER_CONSENT_GRANTED"] = 1 }
        for (type, count) in oauth { lines.insert("mongodb_org_oauth_events_total{\(l),event_type=\"\(type)\"} \(count)") }
        let project = "\(l),project_id=\"\(p)\",mcp_config_id=\"\(c2)\""
        if afterRound {
            let org = "\(l),project_id=\"\",mcp_config_id=\"\(c3)\""
            lines.formUnion([
                "mongodb_service_account_project_access_list_requests{\(l),project_id=\"\(p)\",client_id=\"\(own)\"} 42",
                "mongodb_mcp_config_info{\(org),name=\"ops \\\"night\\\" agents\",client_id=\"\(ingress)\",egress_client_id=\"\(egress)\"} 1",
                "mongodb_mcp_config_info{\(project),name=\"analytics-agents\",client_id=\"mdb_sa_id_65f1c0a1b2c3d4e5f6a7c204\",egress_client_id=\"mdb_sa_id_65f1c0a1b2c3d4e5f6a7c205\"} 1",
                "mongodb_mcp_config_role_info{\(org),role=\"ORG_BILLING_READ_ONLY\"} 1",
                "mongodb_mcp_config_role_info{\(org),role=\"ORG_READ_ONLY\"} 1",
                "mongodb_mcp_config_role_info{\(project),role=\"GROUP_DATA_ACCESS_READ_ONLY\"} 1",
                "mongodb_mcp_config_role_info{\(project),role=\"GROUP_READ_ONLY\"} 1",
                "mongodb_mcp_config_access_list_entries{\(org)} 0",
                "mongodb_mcp_config_secret_created_timestamp_seconds{\(org),secret_id=\"65f1c0a1b2c3d4e5f6a7e003\"} 1774000800",
                "mongodb_mcp_config_secret_expiry_timestamp_seconds{\(org),secret_id=\"65f1c0a1b2c3d4e5f6a7e003\"} 1781776800",
                "mongodb_mcp_config_secret_created_timestamp_seconds{\(project),secret_id=\"65f1c0a1b2c3d4e5f6a7e004\"} 1774002600.25",
                "mongodb_mcp_config_secret_expiry_timestamp_seconds{\(project),secret_id=\"65f1c0a1b2c3d4e5f6a7e004\"} 1789554600.25",
                "mongodb_org_delegated_mcp_access{\(l),access=\"READ_ONLY\"} 0",
                "mongodb_org_delegated_mcp_access{\(l),access=\"READ_WRITE\"} 1",
            ])
        } else {
            let org = "\(l),project_id=\"\",mcp_config_id=\"\(c1)\""
            lines.formUnion([
                "mongodb_mcp_config_info{\(org),name=\"support-agents\",client_id=\"\(ingress)\",egress_client_id=\"\(egress)\"} 1",
                "mongodb_mcp_config_info{\(project),name=\"analytics-agents\",client_id=\"mdb_sa_id_65f1c0a1b2c3d4e5f6a7c204\",egress_client_id=\"mdb_sa_id_65f1c0a1b2c3d4e5f6a7c205\"} 1",
                "mongodb_mcp_config_role_info{\(org),role=\"ORG_READ_ONLY\"} 1",
                "mongodb_mcp_config_role_info{\(project),role=\"GROUP_READ_ONLY\"} 1",
                "mongodb_mcp_config_access_list_entries{\(org)} 1",
                "mongodb_mcp_config_secret_created_timestamp_seconds{\(org),secret_id=\"65f1c0a1b2c3d4e5f6a7e001\"} 1770724800.5",
                "mongodb_mcp_config_secret_expiry_timestamp_seconds{\(org),secret_id=\"65f1c0a1b2c3d4e5f6a7e001\"} 1778500800.5",
                "mongodb_mcp_config_secret_last_used_timestamp_seconds{\(org),secret_id=\"65f1c0a1b2c3d4e5f6a7e001\"} 1772355600",
                "mongodb_org_delegated_mcp_access{\(l),access=\"READ_ONLY\"} 1",
                "mongodb_org_delegated_mcp_access{\(l),access=\"READ_WRITE\"} 0",
            ])
        }
        return lines
    }

    @Test("every family is exact after the first poll, after a round of changes and a poll later; no secret comes out")
    func round() async throws {
        let mediaTypes = [
            "^\(Self.v2)/(orgs|groups)/[^/]+/mcpConfigs": AtlasClient.mcpConfigMediaType,
            "^\(Self.v2)/orgs/[^/]+/delegationSettings$": AtlasClient.delegationSettingsMediaType,
            "^\(Self.v2)/(orgs|groups)/[^/]+/serviceAccounts": AtlasClient.serviceAccountMediaType,
        ]
        let apache = try await offPool {
            try ApacheServer(realm: "MMS Public API", users: [testPublicKey: testPrivateKey], files: Self.files, queryFiles: [
                "\(Self.v2)/orgs/\(Self.orgID)/serviceAccounts?includeSystemManaged=true": Self.fixture("service-accounts-all.json"),
                "\(Self.v2)/groups/\(Self.projectID)/serviceAccounts?includeSystemManaged=true":
                    Self.fixture("project-service-accounts-all.json"),
            ], requiredAccept: mediaTypes)
        }
        defer { apache.stop() }
        let sink = LogSink.capturing()
        let baseURL = apache.baseURL + Self.v2
        let collectors: [any OrgCollector] = [ServiceAccountsCollector(accessLists: true), MCPConfigsCollector(),
                                              OrgSettingsCollector(), ActivityFeedCollector(lookback: .seconds(86_400))]
        var org = OrgStatus(orgID: Self.orgID)
        org.projectNames = [Self.projectID: "Project A"]
        func poll() async throws -> (all: String, selected: Set<String>) {
            let error: APIError?
            (org, error) = try await collectOnce(collectors, org, baseURL: baseURL, sink: sink)
            #expect(error == nil, "\(String(describing: error))")
            return Self.lines(org)
        }
        for (step, afterRound) in [("first poll", false), ("after the round", true), ("a poll later", true)] {
            if step == "after the round" {
                for (path, file) in Self.round { try apache.replace(path, with: Self.fixture(file)) }
            }
            let (text, lines) = try await poll()
            let expected = Self.expected(afterRound: afterRound)
            #expect(lines.subtracting(expected).isEmpty, "\(step), unexpected: \(lines.subtracting(expected).sorted())")
            #expect(expected.subtracting(lines).isEmpty, "\(step), missing: \(expected.subtracting(lines).sorted())")
            // The ingress account's secret is an account secret like any other.
            #expect(text.contains("mongodb_service_account_secret_expiry_timestamp_seconds{target=\"default\",org_id=\"\(Self.orgID)\",client_id=\"\(Self.ingress)\""))
            #expect(!text.contains("mdb_sa_sk_") && !sink.captured.joined().contains("mdb_sa_sk_"), "a masked secret came out")
            let check = try await promtoolCheckMetrics(Array(text.utf8))
            #expect(check.status == 0, "\(check.output)")
        }
        // The server holds a client to the spec: system-managed accounts only when asked, the versions it names only.
        let listed = try await offPool {
            let client = AtlasClient(baseURL: baseURL, credentials: testCredentials)
            return (try client.listServiceAccounts(orgID: Self.orgID).count,
                    try client.listServiceAccounts(orgID: Self.orgID, includeSystemManaged: true).count)
        }
        #expect(listed.0 == 1 && listed.1 == 3, "\(listed)")
        let refused = await offPoolResult { () throws -> DelegationSettings in
            try AtlasClient(baseURL: baseURL, credentials: testCredentials).get(path: "/orgs/\(Self.orgID)/delegationSettings")
        }
        guard case .failure(.http(406, _, _)) = refused else {
            Issue.record("the default media type was not refused: \(refused)")
            return
        }
        let logs = sink.captured.joined(separator: "\n")
        #expect(logs.components(separatedBy: "setting=delegatedMcpAccess").count == 2, "the widening is logged once: \(logs)")
        #expect(logs.components(separatedBy: "msg=\"mcp configuration change\"").count == 5, "\(logs)")
    }
}
