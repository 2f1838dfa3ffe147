import APIKeyExporter
import AtlasSimulator
import Crypto
import Foundation
import TestSupport
import Testing

@Suite("The simulator's own Digest authentication and churn")
struct SimulatorTests {
    static func md5(_ text: String) -> String {
        Insecure.MD5.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// An `Authorization` header computed by hand, as RFC 7616 describes it.
    static func authorization(nonce: String, uri: String, nc: String, password: String = testPrivateKey) -> String {
        let ha1 = md5("\(testPublicKey):MMS Public API:\(password)")
        let ha2 = md5("GET:\(uri)")
        let response = md5("\(ha1):\(nonce):\(nc):abc:auth:\(ha2)")
        return #"Digest username="\#(testPublicKey)", realm="MMS Public API", nonce="\#(nonce)", uri="\#(uri)", "#
            + #"algorithm=MD5, qop=auth, nc=\#(nc), cnonce="abc", response="\#(response)""#
    }

    static func nonce(of challenge: String) throws -> String {
        let range = try #require(challenge.range(of: #"nonce="[0-9a-f]+""#, options: .regularExpression))
        return String(challenge[range].dropFirst(7).dropLast())
    }

    @Test("the challenge is the API's: realm, MD5, qop auth")
    func challengeFormat() throws {
        let challenge = DigestAuthenticator(users: [:]).challenge()
        #expect(challenge.hasPrefix(#"Digest realm="MMS Public API", domain="", nonce=""#))
        #expect(challenge.hasSuffix(#"algorithm=MD5, qop="auth", stale=false"#))
    }

    @Test("a correct response passes once per nc; replays, wrong passwords and other URIs fail")
    func verification() throws {
        let authenticator = DigestAuthenticator(users: [testPublicKey: testPrivateKey])
        let nonce = try Self.nonce(of: authenticator.challenge())
        let uri = "/api/atlas/v2/orgs?pageNum=1"
        #expect(authenticator.verify(authorization: Self.authorization(nonce: nonce, uri: uri, nc: "00000001"),
                                     method: "GET", requestTarget: uri) == .authorized(username: testPublicKey))
        #expect(authenticator.verify(authorization: Self.authorization(nonce: nonce, uri: uri, nc: "00000001"),
                                     method: "GET", requestTarget: uri) == .unauthorized, "a replayed nc")
        #expect(authenticator.verify(authorization: Self.authorization(nonce: nonce, uri: uri, nc: "00000002"),
                                     method: "GET", requestTarget: uri) == .authorized(username: testPublicKey))
        #expect(authenticator.verify(authorization: Self.authorization(nonce: nonce, uri: uri, nc: "00000003", password: "x"),
                                     method: "GET", requestTarget: uri) == .unauthorized)
        #expect(authenticator.verify(authorization: Self.authorization(nonce: nonce, uri: uri, nc: "00000004"),
                                     method: "GET", requestTarget: "/api/atlas/v2/orgs?pageNum=2") == .unauthorized)
        #expect(authenticator.verify(authorization: nil, method: "GET", requestTarget: uri) == .unauthorized)
        #expect(authenticator.verify(authorization: "Basic dGVzdA==", method: "GET", requestTarget: uri) == .unauthorized)
    }

    @Test("an expired or unknown nonce with the right password is stale, not unauthorized")
    func staleNonce() async throws {
        let authenticator = DigestAuthenticator(users: [testPublicKey: testPrivateKey], nonceLifetime: .milliseconds(50))
        let nonce = try Self.nonce(of: authenticator.challenge())
        try await Task.sleep(for: .milliseconds(120))
        let uri = "/api/atlas/v2/orgs"
        #expect(authenticator.verify(authorization: Self.authorization(nonce: nonce, uri: uri, nc: "00000001"),
                                     method: "GET", requestTarget: uri) == .staleNonce)
        #expect(authenticator.verify(authorization: Self.authorization(nonce: "feedface", uri: uri, nc: "00000001"),
                                     method: "GET", requestTarget: uri) == .staleNonce)
    }

    @Test("the demo churn changes the inventory on its timer and stops")
    func churn() async throws {
        let generator = InventoryGenerator(seed: 1, keysPerOrg: [20, 20])
        let simulator = AtlasSimulator(inventory: generator.generate(), users: [:])
        let before = simulator.inventory
        let churn = InventoryChurn(simulator: simulator, generator: generator, seed: 1)
        churn.start(every: .milliseconds(20))
        for _ in 0..<100 where simulator.inventory == before {
            try await Task.sleep(for: .milliseconds(20))
        }
        churn.stop()
        #expect(simulator.inventory != before)
        try await Task.sleep(for: .milliseconds(60))
        let stopped = simulator.inventory
        try await Task.sleep(for: .milliseconds(100))
        #expect(simulator.inventory == stopped)
    }

    @Test("a key page kept encoded is served again until the inventory changes, by mutate or by assignment")
    func pageCacheFollowsInventory() async throws {
        let generator = InventoryGenerator(seed: 5, keysPerOrg: [700])
        try await withSimulator(generator.generate()) { simulator, running in
            let orgID = simulator.inventory.orgs[0].id
            func listed() async throws -> [String] {
                try await offPool { try AtlasClient(baseURL: running.baseURL(), credentials: testCredentials).listAPIKeys(orgID: orgID) }
                    .map(\.id)
            }
            let first = try await listed()
            #expect(try await listed() == first, "the same pages, from the cache")
            simulator.mutate { $0.orgs[0].keys.removeFirst(3) }
            let mutated = try await listed()
            #expect(mutated == Array(first.dropFirst(3)))
            var inventory = simulator.inventory
            inventory.orgs[0].keys.removeLast(2)
            simulator.inventory = inventory
            #expect(try await listed() == Array(mutated.dropLast(2)))
            // Under an injected fault no page is taken from, or put into, the cache.
            simulator.faults.staleListing = [mutated[0]: inventory.orgs[0].keys[0]]
            #expect(try await listed().count == mutated.count - 2)
        }
    }
}
