import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

@Suite("Sharding organizations across replicas")
struct ShardingTests {
    @Test("FNV-1a 64 matches its published test vectors")
    func fnv1a() {
        #expect(Shard.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(Shard.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Shard.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test("invalid shard settings are refused with one line naming the flag")
    func invalidSettings() throws {
        for (count, index, hostname, field) in [
            (0, "0", "h", "--shard.count"), (3, "3", "h", "--shard.index"), (3, "-1", "h", "--shard.index"),
            (3, "x", "h", "--shard.index"), (3, "from-hostname", "exporter", "--shard.index"),
            (3, "from-hostname", "exporter-7", "--shard.index"),
        ] {
            do {
                _ = try Shard.parse(count: count, index: index, hostname: hostname)
                Issue.record("accepted count \(count) index \(index) on \(hostname)")
            } catch {
                #expect(error.field == field)
            }
        }
        #expect(try Shard.parse(count: 3, index: "from-hostname", hostname: "mongodb-apikey-exporter-2") == Shard(index: 2, count: 3))
    }

    @Test("every org belongs to exactly one of N shards")
    func partition() {
        var random = SeededGenerator(seed: 5)
        let ids = (0..<500).map { _ in InventoryGenerator.objectID(time: 1_700_000_000, using: &random) }
        for count in [1, 2, 3, 7] {
            for id in ids {
                #expect((0..<count).filter { Shard(index: $0, count: count).owns(orgID: id) }.count == 1)
            }
        }
    }

    @Test("three replicas together export exactly what one exports; a replica down loses only its orgs")
    func threeReplicas() async throws {
        let inventory = InventoryGenerator(seed: 81, keysPerOrg: Array(repeating: 15, count: 9)).generate()
        try await withSimulator(inventory) { _, running in
            let environment = ["MONGODB_ATLAS_PUBLIC_KEY": testPublicKey, "MONGODB_ATLAS_PRIVATE_KEY": testPrivateKey]
            func start(_ extra: [String]) throws -> ExporterProcess {
                try ExporterProcess(arguments: ["--atlas.base-url", running.baseURL(), "--web.listen-address", "127.0.0.1:0"] + extra,
                                    environment: environment)
            }
            func keySeries(_ port: Int, of exporter: ExporterProcess) async throws -> Set<Sample> {
                try await exporter.waitUntilReady(port: port)
                let text = String(decoding: try await httpGet("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
                return Set(try ExpositionParser.parse(text).filter { $0.name.hasPrefix("mongodb_api_key") && !$0.name.contains("_poll_")
                    && !$0.name.contains("requests") && !$0.name.contains("timestamp_seconds") && !$0.name.contains("discovery")
                    && !$0.name.contains("shard") && !$0.name.contains("exporter") && !$0.name.contains("rate_limit") })
            }
            let single = try start([])
            let replicas = try (0..<3).map { try start(["--shard.count", "3", "--shard.index", "\($0)"]) }
            let singlePort = try await single.waitForListeningPort()
            var ports: [Int] = []
            for replica in replicas { ports.append(try await replica.waitForListeningPort()) }

            let whole = try await keySeries(singlePort, of: single)
            var parts: [Set<Sample>] = []
            for (port, replica) in zip(ports, replicas) { parts.append(try await keySeries(port, of: replica)) }
            #expect(!whole.isEmpty)
            #expect(parts.reduce(Set()) { $0.union($1) } == whole, "the union of the shards is the whole")
            #expect(parts.map(\.count).reduce(0, +) == whole.count, "no series in two shards")
            let orgsPerShard = parts.map { Set($0.compactMap { $0.labels["org_id"] }) }
            #expect(orgsPerShard.map(\.count).reduce(0, +) == 9, "each org in exactly one shard")
            let shardInfo = String(decoding: try await httpGet("http://127.0.0.1:\(ports[1])/metrics").body, as: UTF8.self)
            #expect(shardInfo.contains("mongodb_apikey_exporter_shard_info{shard_index=\"1\",shard_count=\"3\",version=\"\(BuildInfo.version)\"} 1"))
            #expect(shardInfo.contains("mongodb_apikey_exporter_shard_orgs{target=\"default\"} \(orgsPerShard[1].count)"))

            // Replica 0 goes away: replicas 1 and 2 still export their orgs, and only those.
            #expect(try await replicas[0].terminate() == 0)
            let remaining = try await keySeries(ports[1], of: replicas[1]).union(try await keySeries(ports[2], of: replicas[2]))
            #expect(remaining == whole.subtracting(parts[0]))
            for process in [single, replicas[1], replicas[2]] { #expect(try await process.terminate() == 0) }
        }
    }
}
