@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The security posture over a seeded run against the simulator: settings toggled and edited (with their events,
/// some through delegates), secrets flagged expiring and expired, keys' UI access-list inheritance switched, keys and
/// accounts used from new addresses, among ordinary key and account changes; a poll after each round.
@Suite("Security posture: a seeded run against the simulator", .serialized)
struct PostureChurnTests {
    static let newKeyTypes = ["API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_ENABLED", "API_KEY_UI_IP_ACCESS_LIST_INHERITANCE_DISABLED"]

    /// `name`'s samples of one org, by the value of `label`.
    static func values(_ samples: [Sample], _ name: String, org: String, by label: String) -> [String: Double] {
        samples.filter { $0.name == name && $0.labels["org_id"] == org }
            .reduce(into: [:]) { $0[$1.labels[label] ?? "", default: 0] += $1.value }
    }

    @Test("72 posture changes over 12 polls: settings, usage and every new event type exactly; delegates named")
    func seededRun() async throws {
        let generator = InventoryGenerator(seed: 23, keysPerOrg: [14, 9, 6], projectsPerOrg: 2,
                                           serviceAccountsPerOrg: [4, 3, 2])
        try await withSimulator(generator.generate()) { simulator, running in
            let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 29, postureOneIn: 1)
            let sink = LogSink.capturing()
            let handle = PollerHandle(poller: TestTargets.make(running.baseURL(), orgs: .discover, sink: sink,
                                                               collectors: CollectorOptions(accessLists: true)))
            #expect(try await handle.poll().0, "the baseline")
            var changes: [SimulatedPostureChange] = []
            for _ in 0..<12 {
                for _ in 0..<6 { if let made = churn.stepPosture() { changes.append(made) } }
                churn.step()
                #expect(try await handle.poll().0)
            }
            let state = try await handle.poll().1
            let text = String(decoding: InventoryRenderer().render([state]), as: UTF8.self)
            let samples = try ExpositionParser.parse(text)
            #expect(changes.count == 72)
            #expect(Set(churn.postureChangeCounts.keys) == Set(SimulatedPostureChange.kinds), "every kind was drawn")

            for org in simulator.inventory.orgs {
                // Settings as the simulator holds them now; a field it leaves out has no series.
                let settings = org.settings
                let expected: [(String, Double?)] = [
                    ("mongodb_org_api_access_list_required", settings.apiAccessListRequired.map { $0 ? 1 : 0 }),
                    ("mongodb_org_multi_factor_auth_required", settings.multiFactorAuthRequired.map { $0 ? 1 : 0 }),
                    ("mongodb_org_restrict_employee_access", settings.restrictEmployeeAccess.map { $0 ? 1 : 0 }),
                    ("mongodb_org_service_account_secret_max_validity_seconds",
                     settings.maxServiceAccountSecretValidityInHours.map { Double($0) * 3600 }),
                ]
                for (name, value) in expected {
                    #expect(samples.first { $0.name == name && $0.labels["org_id"] == org.id }?.value == value, "\(name) \(org.id)")
                }
                // Every event the simulator recorded since it started, counted once by type.
                let recorded = simulator.recordedEventCounts(orgID: org.id)
                let security = Self.values(samples, "mongodb_org_security_events_total", org: org.id, by: "event_type")
                #expect(Set(security.keys) == ActivityFeedState.orgSecurityTypes)
                for type in ActivityFeedState.orgSecurityTypes {
                    #expect(security[type] == Double(recorded[type] ?? 0), "\(type) in \(org.id)")
                }
                let keyEvents = Self.values(samples, "mongodb_api_key_events_total", org: org.id, by: "event_type")
                for type in Self.newKeyTypes {
                    #expect(keyEvents[type] == Double(recorded[type] ?? 0), "\(type) in \(org.id)")
                }
                // Who uses each credential, as the simulator serves it.
                let requests = Self.values(samples, "mongodb_api_key_access_list_requests", org: org.id, by: "key_id")
                let addresses = samples.filter { $0.name == "mongodb_api_key_last_used_address_info" && $0.labels["org_id"] == org.id }
                    .reduce(into: [String: String]()) { $0[$1.labels["key_id"] ?? ""] = $1.labels["address"] }
                #expect(requests == Dictionary(uniqueKeysWithValues: org.keys.compactMap { key in
                    key.accessListRequests.map { (key.id, Double($0)) } }))
                #expect(addresses == Dictionary(uniqueKeysWithValues: org.keys.compactMap { key in
                    key.lastUsedAddress.map { (key.id, $0) } }))
                let accountRequests = Self.values(samples, "mongodb_service_account_access_list_requests", org: org.id,
                                                  by: "client_id")
                let accountAddresses = samples.filter {
                    $0.name == "mongodb_service_account_last_used_address_info" && $0.labels["org_id"] == org.id
                }.reduce(into: [String: String]()) { $0[$1.labels["client_id"] ?? ""] = $1.labels["address"] }
                // System-managed accounts too: the exporter asks for them.
                let listed = org.serviceAccounts
                #expect(accountRequests == Dictionary(uniqueKeysWithValues: listed.compactMap { account in
                    account.accessListRequests.map { (account.clientID, Double($0)) } }))
                #expect(accountAddresses == Dictionary(uniqueKeysWithValues: listed.compactMap { account in
                    account.lastUsedAddress.map { (account.clientID, $0) } }))
            }
            #expect(samples.contains { $0.name == "mongodb_api_key_last_used_address_info" })
            #expect(samples.contains { $0.name == "mongodb_service_account_access_list_requests" })

            // Each posture event logged once (the steps' own posture changes too); those made through a delegate name it.
            let events = simulator.inventory.orgs.flatMap { simulator.events(orgID: $0.id) }
            let securityLines = sink.captured.filter { $0.contains("msg=\"org security event\"") }
            #expect(securityLines.count == events.filter { ActivityFeedState.orgSecurityTypes.contains($0.eventTypeName) }.count)
            #expect(changes.flatMap(\.events).allSatisfy { made in events.contains { $0.id == made.id } })
            let delegated = events.filter { $0.delegatePrincipal != nil }
            #expect(!delegated.isEmpty)
            let delegatedLines = sink.captured.filter { $0.contains("delegate_principal=") && $0.contains("event\"") }
            #expect(delegatedLines.count == delegated.count)
            for event in delegated {
                let name = try #require(event.delegatePrincipal?.name)
                #expect(delegatedLines.contains { $0.contains(event.eventTypeName) && $0.contains(name.prefix(12)) },
                        "\(event.eventTypeName) by \(name)")
            }
            #expect(sink.captured.contains { $0.contains("msg=\"api key used from a new address\"") })
        }
    }
}
