import Foundation
import TestSupport
import Testing
import Yams

/// docker-compose.yml cannot run here (no Docker engine); this checks everything short of running it.
@Suite("docker-compose.yml and what it mounts")
struct ComposeTests {
    static let root = Repository.root

    static func yaml(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(path) is not a YAML mapping")
    }

    @Test("every service's build context and mounted path exists")
    func mountsExist() throws {
        let compose = try Self.yaml("docker-compose.yml")
        let services = try #require(compose["services"] as? [String: Any])
        #expect(Set(services.keys) == ["exporter", "prometheus", "grafana"])
        for (name, value) in services {
            let service = try #require(value as? [String: Any], "\(name)")
            if let build = service["build"] as? String {
                #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(build).appendingPathComponent("Dockerfile").path))
            }
            for volume in service["volumes"] as? [String] ?? [] {
                let source = String(volume.split(separator: ":")[0])
                #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(source).path), "\(name): \(source)")
            }
        }
    }

    @Test("the Prometheus config, laid out as the container sees it, passes promtool check config")
    func prometheusConfig() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compose-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let compose = try Self.yaml("docker-compose.yml")
        let prometheus = try #require((compose["services"] as? [String: Any])?["prometheus"] as? [String: Any])
        for volume in prometheus["volumes"] as? [String] ?? [] {
            let parts = volume.split(separator: ":")
            let target = directory.appendingPathComponent(URL(fileURLWithPath: String(parts[1])).lastPathComponent)
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent(String(parts[0])), to: target)
        }
        let (status, output) = try await runTool("promtool", ["check", "config", directory.appendingPathComponent("prometheus.yml").path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("SUCCESS: 1 rule files found"), "\(output)")
        let config = try String(contentsOf: directory.appendingPathComponent("prometheus.yml"), encoding: .utf8)
        #expect(config.contains("job_name: mongodb_apikey_exporter"), "the job name the ExporterDown alert expects")
    }

    @Test("the Grafana provisioning files parse and point at the compose services and mounts")
    func grafanaProvisioning() throws {
        let datasources = try Self.yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
        let datasource = try #require((datasources["datasources"] as? [[String: Any]])?.first)
        #expect(datasource["type"] as? String == "prometheus")
        #expect(datasource["url"] as? String == "http://prometheus:9090")
        let dashboards = try Self.yaml("deploy/grafana/provisioning/dashboards/mongodb-apikeys.yml")
        let provider = try #require((dashboards["providers"] as? [[String: Any]])?.first)
        let path = try #require((provider["options"] as? [String: Any])?["path"] as? String)
        let compose = try String(contentsOf: Self.root.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        #expect(compose.contains("./dashboards:\(path):ro"), "the dashboards folder is mounted where the provider looks")
        let json = try Data(contentsOf: Self.root.appendingPathComponent("dashboards/mongodb-apikeys.json"))
        #expect(try JSONSerialization.jsonObject(with: json) is [String: Any])
    }
}
