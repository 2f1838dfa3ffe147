@testable import APIKeyExporter
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

/// The one path that puts targets into effect, at start and on every reload.
@Suite("TargetApplier")
struct TargetApplierTests {
    static func target(_ name: String, secret: String, orgID: String = "5f0000000000000000000001") -> TargetConfig {
        TargetConfig(name: name, baseURL: "http://127.0.0.1:1/\(secret)/api/atlas/v2", orgSelection: .configured([orgID]),
                     credentials: .apiKey(DigestCredentials(username: "pub\(name)", password: secret)),
                     transport: TransportOptions())
    }

    static func config(_ targets: [TargetConfig]) throws -> ExporterConfig {
        var raw = RawSettings.defaults()
        raw.publicKey = "p"
        var config = try ExporterConfig(raw, environment: ["MONGODB_ATLAS_PRIVATE_KEY": "unused-\(UUID().uuidString)"])
        config.targets = targets
        return config
    }

    @Test("secrets are registered before /config is rendered; unchanged targets keep their pollers; an unchanged set does nothing")
    func applyInOrder() throws {
        let first = Self.target("first", secret: "first-secret-\(UUID().uuidString)")
        let second = Self.target("second", secret: "second-secret-\(UUID().uuidString)")
        let page = ConfigPageSource(try Self.config([first]))
        let built = Mutex<[String]>([])
        let applier = TargetApplier(configPage: page) { target in
            built.withLock { $0.append(target.name) }
            return ExporterAssembly.makeTargetPoller(target, settings: CollectorSettings(), poll: PollOptions(),
                                                     cpuGate: CPUGate(width: 1), logger: Logger(label: "test"))
        }
        var pollers: [TargetPoller] = []
        #expect(try applier.apply([first]) { swap in pollers = swap(pollers) })
        let start = String(buffer: page.current)
        #expect(start.contains("name: &quot;first&quot;"))
        // The secret stands in the base URL's path, a field shown in clear: registered first, it is redacted there.
        #expect(!start.contains(first.credentials.secretForTests))
        let firstPoller = try #require(pollers.first)

        #expect(try !applier.apply([first]) { _ in Issue.record("an unchanged set swapped pollers") })

        #expect(try applier.apply([first, second]) { swap in pollers = swap(pollers) })
        #expect(pollers.map(\.name) == ["first", "second"])
        #expect(pollers.first === firstPoller, "an unchanged target lost its poller")
        #expect(built.withLock { $0 } == ["first", "second"])
        #expect(!String(buffer: page.current).contains(second.credentials.secretForTests))
    }
}

extension TargetCredentials {
    var secretForTests: String {
        switch self {
        case .apiKey(let digest): digest.password
        case .serviceAccount(let account): account.clientSecret
        }
    }
}
