import APIKeyExporter
import TestSupport
import Testing

@Suite("Digest against Apache httpd mod_auth_digest", .serialized)
struct ApacheDigestTests {
    static let orgID = "5980cfc70b6d97029d82e3f6"
    static let badOrgID = "5980cfc70b6d97029d82e3f7"

    static func withApache<T>(_ body: (ApacheServer) async throws -> T) async throws -> T {
        let apache = try await offPool {
            try ApacheServer(
                realm: "MMS Public API", users: [testPublicKey: testPrivateKey],
                files: [
                    "/api/atlas/v1.0/orgs/\(orgID)/apiKeys": SampleKeys.documentationListing,
                    "/api/atlas/v1.0/orgs/\(badOrgID)/apiKeys": #"{"results":[{"id":"5c47503320eef5699e1cce8d","roles":[{"orgId":"x"}]}]}"#,
                ])
        }
        defer { apache.stop() }
        return try await body(apache)
    }

    @Test("the right key gets the listing")
    func rightKey() async throws {
        try await Self.withApache { apache in
            let baseURL = apache.baseURL + "/api/atlas/v1.0"
            let counter = RequestCounter()
            let (keys, again) = try await offPool {
                let client = AtlasClient(baseURL: baseURL, credentials: testCredentials, requestCounter: counter)
                return (try client.listAPIKeys(orgID: Self.orgID), try client.listAPIKeys(orgID: Self.orgID))
            }
            #expect(keys.map(\.id) == ["5c47503320eef5699e1cce8d"])
            #expect(keys[0].roles.count == 3)
            #expect(again == keys)
            // One challenge on first contact; Apache accepts the second request signed with the same nonce, nc=2.
            #expect(counter.snapshot() == ["401": 1, "200": 2])
        }
    }

    @Test("a wrong private key is refused")
    func wrongKey() async throws {
        try await Self.withApache { apache in
            let baseURL = apache.baseURL + "/api/atlas/v1.0"
            let wrong = DigestCredentials(username: testPublicKey, password: "wrong-private-key")
            let result = await offPoolResult { try AtlasClient(baseURL: baseURL, credentials: wrong).listAPIKeys(orgID: Self.orgID) }
            guard case .failure(let error) = result else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            #expect(error.isAuthenticationFailure)
        }
    }

    @Test("a body of the wrong shape names the bad field")
    func decodeErrorPath() async throws {
        try await Self.withApache { apache in
            let baseURL = apache.baseURL + "/api/atlas/v1.0"
            let result = await offPoolResult { try AtlasClient(baseURL: baseURL, credentials: testCredentials).listAPIKeys(orgID: Self.badOrgID) }
            guard case .failure(.decode(let path, _, _)) = result else {
                Issue.record("expected a decode error, got \(result)")
                return
            }
            #expect(path == "results[0].roles[0].roleName")
        }
    }
}
