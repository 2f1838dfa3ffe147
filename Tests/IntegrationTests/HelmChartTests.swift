import APIKeyExporter
import Foundation
import TestSupport
import Testing

/// The Helm chart in deploy/helm/mongodb-apikey-exporter, checked with Helm's own engine (helm-python-sdk, Helm v4's
/// Go library, in .build-python) by deploy/helm/test/check_chart.py: lint, the values schema, a matrix of values
/// rendered and validated (kubernetes-validate, checkov), the rules and dashboards against their sources, secrets. Then
/// the rendered pod run here, with the real binary. (KubernetesTests checks deploy/kubernetes against a fresh render.)
@Suite("Helm chart", .serialized)
struct HelmChartTests {
    static let python = Repository.root.appendingPathComponent(".build-python").path
    static let script = Repository.root.appendingPathComponent("deploy/helm/test/check_chart.py").path
    /// The cases of the matrix (check_chart.py's CASES).
    static let cases = ["defaults", "api-key-from-values", "service-account", "existing-secret", "existing-secret-service-account",
                        "several-targets", "three-shards", "network-policy-off", "prometheus-operator", "alert-tuning", "web-config",
                        "web-config-tls-only", "storage", "storage-existing-claim", "storage-empty-dir", "three-shards-storage"]

    static func run(_ arguments: [String]) async throws -> (Int32, String) {
        try await runTool("env", ["PYTHONPATH=\(python)", "python3", script] + arguments)
    }

    /// Runs one check of check_chart.py: it passes when the script exits 0 with its closing "N passed, 0 failed", and
    /// every line in `expected` is among its PASS lines.
    static func check(_ name: String, expected: [String] = []) async throws {
        let (status, output) = try await run([name])
        let failures = output.split(separator: "\n").filter { $0.hasPrefix("FAIL ") }
        #expect(status == 0 && failures.isEmpty, "\(failures.joined(separator: "\n"))\n\(output.suffix(3000))")
        #expect(output.contains("\(name): ") && output.contains(" passed, 0 failed"), "\(output.suffix(3000))")
        for line in expected {
            #expect(output.contains("PASS \(line)"), "no \"PASS \(line)\" in:\n\(output.suffix(3000))")
        }
    }

    @Test("helm lint --strict (Kubernetes 1.30): no error and no message but the icon, with every case's values")
    func lint() async throws {
        try await Self.check("lint", expected: Self.cases.map { "lint \($0): no error, no message but the icon" })
    }

    @Test("Helm's schema validation refuses wrong types and unknown credential kinds; the templates refuse contradictions")
    func schema() async throws {
        try await Self.check("schema", expected: [
            "schema refuses sharding.replicas: \"three\"", "install refuses sharding.replicas: \"three\"",
            "lint refuses sharding.replicas: \"three\"", "schema refuses an unknown credential kind",
            "install refuses an unknown credential kind", "schema refuses a target's private key inline (it would land in the ConfigMap)",
            "templates refuse a secret in values beside an existing Secret",
        ] + Self.cases.map { "schema accepts \($0)" })
    }

    @Test("every manifest of every case validates against the Kubernetes 1.30 schemas, strictly")
    func kubernetesValidate() async throws {
        try await Self.check("validate", expected: ["kubernetes-validate -k 1.30.0 --strict: no error",
                                                     "ServiceMonitor shape prometheus-operator", "PrometheusRule shape prometheus-operator"])
    }

    @Test("checkov finds no failed check in any case's output; every skip carries its reason")
    func checkov() async throws {
        let (status, output) = try await Self.run(["checkov"])
        #expect(status == 0, "\(output.suffix(4000))")
        for name in Self.cases {
            #expect(output.contains("PASS checkov \(name): Passed checks: ") && output.contains("checkov \(name): Passed checks: ")
                    && output.split(separator: "\n").contains { $0.hasPrefix("PASS checkov \(name): ") && $0.contains("Failed checks: 0,") },
                    "\(name): \(output.suffix(4000))")
        }
    }

    @Test("workloads: one replica or N shards, hardened pods, probes, credentials as files, optional objects")
    func workloads() async throws {
        try await Self.check("workloads", expected: [
            "three-shards: a StatefulSet of 3 pods, each polling its shard",
            "defaults: a Deployment of one pod, unsharded",
            "web-config: with client authentication, TCP probes (the kubelet has no password)",
            "web-config-tls-only: liveness GET /-/healthy, readiness GET /-/ready over HTTPS",
            "several-targets: --config.file from the ConfigMap mongodb-apikey-exporter-config",
            "service-account: --atlas.client-secret-file names the Secret's file client-secret",
            "existing-secret: credentials from the Secret atlas-credentials",
            "defaults: storage off: no claim, no claim template, no state volume, no --storage.path",
            "storage: the chart's claim mongodb-apikey-exporter-storage (2Gi, ['ReadWriteOnce'], class \"fast-ssd\")",
            "storage: strategy Recreate (the old pod lets go of the ReadWriteOnce volume before the new one starts)",
            "three-shards-storage: each shard's own volume from volumeClaimTemplates (1Gi, ['ReadWriteOncePod'], class \"\")",
        ])
    }

    @Test("a secret given in values is in no ConfigMap, argument or variable: only base64-encoded in a Secret")
    func secrets() async throws {
        try await Self.check("secrets")
    }

    @Test("the PrometheusRule is dashboards/alerts.yml, each dashboard ConfigMap its JSON unchanged, appVersion the exporter's")
    func sources() async throws {
        try await Self.check("sources", expected: [
            "PrometheusRule groups equal dashboards/alerts.yml (32 rules)",
            "promtool check rules accepts the PrometheusRule's spec",
            "dashboard ConfigMap holds mongodb-apikeys.json byte for byte",
            "files/dashboards links to the repository's dashboards/ (one source)",
            "templates ask the cluster nothing (no .Capabilities, no lookup): every switch renders offline",
        ])
    }

    @Test("prometheusRule values: per-alert switch, severity, for, labels, annotations, name prefix, runbooks' base URL")
    func ruleValues() async throws {
        try await Self.check("rules", expected: [
            "defaults: the 32 alerts of dashboards/alerts.yml unchanged",
            "alert-tuning: every alert prefixed with Atlas, MongoDBAPIKeyTooOld left out",
            "alert-tuning: MongoDBAPIKeyAdded's severity, for, labels and summary from its values, the rest kept",
            "alert-tuning: promtool check rules accepts the tuned PrometheusRule",
            "install refuses an unknown alert name",
        ])
    }

    /// The rendered pod of `name`, run here: its arguments, variables and mounted files, on 127.0.0.1.
    @Test("the binary accepts each case's rendered arguments, variables and config file", arguments: [
        "defaults", "api-key-from-values", "service-account", "existing-secret", "existing-secret-service-account", "several-targets",
        "three-shards", "storage", "three-shards-storage",
    ])
    func renderedPodRuns(_ name: String) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("helm-pod-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // The API: a port held bound but not listening, so polls fail at once, locally.
        let api = try closedLoopbackPort()
        defer { close(api.socket) }
        let (status, output) = try await Self.run(["run-plan", name, root.path, String(api.port)])
        #expect(status == 0, "\(output)")
        let json = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") })
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let arguments = try #require(plan["args"] as? [String])
        let environment = try #require(plan["env"] as? [String: String])
        for (path, text) in try #require(plan["files"] as? [String: String]) {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        // Writable volumes (the state volume of --storage.path), as empty directories.
        let directories = plan["directories"] as? [String] ?? []
        for path in directories {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(path), withIntermediateDirectories: true)
        }
        let exporter = try ExporterProcess(arguments: arguments, environment: environment)
        let port: Int
        do {
            port = try await exporter.waitForListeningPort()
        } catch {
            Issue.record("\(name): the exporter did not start with \(arguments): \(exporter.stderr)")
            _ = try await exporter.terminate()
            return
        }
        let (health, _) = try await timedHTTPGet("http://127.0.0.1:\(port)/-/healthy")
        #expect(health.status == 200)
        if name == "several-targets" {
            #expect(exporter.stderr.contains("targets=atlas-prod,atlas-sa,ops-manager"), "\(exporter.stderr)")
        }
        if name.hasPrefix("three-shards") {
            let (metrics, _) = try await timedHTTPGet("http://127.0.0.1:\(port)/metrics")
            let text = String(decoding: metrics.body, as: UTF8.self)
            #expect(text.contains("shard_count=\"3\"") && text.contains("shard_index=\"2\""), "\(text.prefix(3000))")
        }
        if name.contains("storage") {
            // --storage.path names the state volume's directory: the exporter saves its target's state there after its
            // first cycle (which fails at once against the closed port).
            #expect(directories == ["var/lib/mongodb-apikey-exporter"], "\(plan)")
            let storage = root.appendingPathComponent(directories.first ?? "var/lib/mongodb-apikey-exporter")
            var saved: [String] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while saved.isEmpty && ContinuousClock.now < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: storage.path)) ?? []
                saved = names.filter { $0.hasSuffix(".state.jsonl") }
                if saved.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(saved == ["default.state.jsonl"], "\(name): no state saved in \(storage.path): \(exporter.stderr)")
        }
        #expect(try await exporter.terminate() == 0, "\(exporter.stderr)")
    }

    /// Why the chart's probes are TCP connects when the web config asks clients to authenticate: the kubelet's httpGet
    /// sends no password, and readiness (`/-/ready`) asks for one. Liveness (`/-/healthy`) and `--healthcheck` need
    /// none.
    @Test("with basic auth on, GET /-/ready gets 401, /-/healthy and --healthcheck pass; the chart's TCP probe connects")
    func probesWithBasicAuth() async throws {
        let (status, output) = try await Self.run(["probes", "web-config"])
        #expect(status == 0, "\(output)")
        let json = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") })
        let probes = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for kind in ["liveness", "readiness"] {
            let probe = try #require(probes[kind] as? [String: Any])
            #expect((probe["tcpSocket"] as? [String: Any])?["port"] as? String == "http-metrics", "\(kind): \(probe)")
        }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("helm-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hash = try await WebSecurityTests.bcryptHash("scrape-\(UUID().uuidString.prefix(8))")
        let webConfig = directory.appendingPathComponent("web-config.yml")
        try Data("basic_auth_users:\n  prometheus: '\(hash)'\n".utf8).write(to: webConfig)
        let exporter = try ExporterProcess(
            arguments: ["--demo", "--web.listen-address", "127.0.0.1:0", "--web.config.file", webConfig.path], environment: [:])
        let port = try await exporter.waitForListeningPort()
        // The TCP probe first: a connection accepted just before SIGTERM can trap in NIO at shutdown
        // (apple/swift-nio#3481), which the requests below give the server time to settle.
        let socket = connectLoopback(port: port)
        #expect(socket != nil, "the TCP probe connects")
        if let socket { close(socket) }

        let (health, _) = try await timedHTTPGet("http://127.0.0.1:\(port)/-/healthy")
        #expect(health.status == 200, "/-/healthy is left out of basic auth")
        let (ready, _) = try await timedHTTPGet("http://127.0.0.1:\(port)/-/ready")
        #expect(ready.status == 401, "an httpGet readiness probe would fail")
        let (check, checkOutput) = try await ExporterProcess.run(
            arguments: ["--healthcheck", "--web.listen-address", "127.0.0.1:\(port)", "--web.config.file", webConfig.path], environment: [:])
        #expect(check == 0, "an exec probe with --healthcheck passes: \(checkOutput)")
        #expect(exporter.isRunning)
        #expect(try await exporter.terminate() == 0, "\(exporter.stderr)")
    }
}
