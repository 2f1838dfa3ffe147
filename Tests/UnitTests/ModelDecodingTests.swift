import APIKeyExporter
import Foundation
import TestSupport
import Testing

@Suite("Decoding the API's JSON")
struct ModelDecodingTests {
    /// The response body of the "Get All Organization API Keys" documentation page (`Tests/Fixtures/key-listing.json`).
    static let seedListing = SampleKeys.documentationListing

    @Test("the documentation's example listing decodes")
    func seedListingDecodes() throws {
        let page = try JSONDecoder().decode(ListPage<APIKey>.self, from: Data(Self.seedListing.utf8))
        #expect(page.totalCount == 1)
        #expect(!page.hasNextPage)
        let key = try #require(page.results.first)
        #expect(key.id == "5c47503320eef5699e1cce8d")
        #expect(key.desc == "Test Docs Service User")
        #expect(key.roles == [
            RoleAssignment(scope: .project("5898b95f87d9d6270e8995d9"), roleName: "GROUP_OWNER"),
            RoleAssignment(scope: .project("5898b95f87d9d6270e8995d9"), roleName: "GROUP_READ_ONLY"),
            RoleAssignment(scope: .organization, roleName: "ORG_MEMBER"),
        ])
    }

    @Test("unknown fields are ignored and unknown role names kept")
    func unknownFieldsAndRoles() throws {
        let json = #"{"results":[{"id":"5c47503320eef5699e1cce8d","publicKey":"abc","desc":"x","extra":{"a":1},"roles":[{"orgId":"o","roleName":"ORG_SOMETHING_NEW","since":"2030"}]}],"links":[{"rel":"next","href":"h"}]}"#
        let page = try JSONDecoder().decode(ListPage<APIKey>.self, from: Data(json.utf8))
        #expect(page.hasNextPage)
        #expect(page.totalCount == nil)
        #expect(page.results[0].roles == [RoleAssignment(scope: .organization, roleName: "ORG_SOMETHING_NEW")])
    }
}

@Suite("Agent API key bodies")
struct AgentAPIKeyDecodingTests {
    @Test("the recorded shape (_id, epoch milliseconds) and the reference's (id, ISO 8601) decode alike; the key is never kept")
    func bothShapes() throws {
        let recorded = #"[{"_id":"1","createdBy":"USER","createdTime":1520458807291,"desc":"d","key":"****8b87"}]"#
        let documented = #"[{"id":"1","createdBy":"USER","createdTime":"2018-03-07T21:40:07.291Z","desc":"d","key":"****8b87"}]"#
        let first = try JSONDecoder().decode([AgentAPIKey].self, from: Data(recorded.utf8))
        let second = try JSONDecoder().decode([AgentAPIKey].self, from: Data(documented.utf8))
        #expect(first == second)
        #expect(first.first?.createdAt == 1_520_458_807.291)
        #expect(!"\(first)".contains("8b87"))
    }
}
