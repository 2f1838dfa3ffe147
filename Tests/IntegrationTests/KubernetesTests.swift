import Foundation
import TestSupport
import Testing
import Yams

/// The manifests in deploy/kubernetes, rendered from the Helm chart by deploy/helm/render-kubernetes.py and checked
/// offline: in sync with the chart, Kubernetes 1.30 schemas (kubernetes-validate), security checks (checkov), and the
/// PrometheusRule against the alert rules it carries.
@Suite("Kubernetes manifests")
struct KubernetesTests {
    static let directory = Repository.root.appendingPathComponent("deploy/kubernetes")
    static let python = Repository.root.appendingPathComponent(".build-python").path

    static func manifests() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test("every manifest validates against the Kubernetes 1.30 schemas, strictly")
    func schemas() async throws {
        let files = try Self.manifests().map { Self.directory.appendingPathComponent($0).path }
        let (status, output) = try await runTool("env", ["PYTHONPATH=\(Self.python)", "python3", "-m", "kubernetes_validate",
                                                   "-k", "1.30.0", "--strict"] + files)
        #expect(status == 0, "\(output)")
        for kind in ["serviceaccount", "service", "statefulset", "deployment", "networkpolicy"] {
            #expect(output.contains("passed for resource \(kind)/"), "\(kind): \(output)")
        }
        #expect(!output.contains("ERROR"), "\(output)")
    }

    @Test("checkov finds no failed check in the manifests or the Dockerfile; skips carry their reason in the file")
    func checkov() async throws {
        for (target, framework) in [("-d", "kubernetes"), ("-f", "dockerfile")] {
            let path = framework == "kubernetes" ? Self.directory.path : Repository.root.appendingPathComponent("Dockerfile").path
            let (_, output) = try await runTool("env", ["PYTHONPATH=\(Self.python)", "BC_SKIP_MAPPING=TRUE", "python3", "-m", "checkov.main",
                                                  "--skip-download", target, path, "--framework", framework, "--compact", "--quiet"])
            #expect(output.contains("Failed checks: 0"), "\(framework): \(output)")
        }
        for file in try Self.manifests() {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("checkov.io/skip") {
                #expect(line.split(separator: "=", maxSplits: 1).count == 2, "a skip without a reason in \(file): \(line)")
            }
        }
    }

    @Test("the manifests are the Helm chart rendered by deploy/helm/render-kubernetes.py, unchanged since")
    func renderedFromChart() async throws {
        let (status, output) = try await runTool("env", ["PYTHONPATH=\(Self.python)", "python3",
                                                   Repository.root.appendingPathComponent("deploy/helm/render-kubernetes.py").path, "--check"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("equal to a fresh render of the chart"), "\(output)")
        for file in try Self.manifests() where file != "kustomization.yaml" {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
            #expect(text.hasPrefix("# Rendered from the Helm chart deploy/helm/mongodb-apikey-exporter"), "\(file)")
        }
    }

    @Test("the PrometheusRule carries dashboards/alerts.yml unchanged, and its rules pass promtool")
    func prometheusRule() async throws {
        let committed = try String(contentsOf: Self.directory.appendingPathComponent("prometheusrule.yaml"), encoding: .utf8)
        let rule = try #require(try Yams.load(yaml: committed) as? [String: Any])
        let spec = try #require(rule["spec"] as? [String: Any])
        let source = try #require(try Yams.load(yaml: String(contentsOf: Repository.root.appendingPathComponent("dashboards/alerts.yml"),
                                                              encoding: .utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: spec).isEqual(to: source), "run deploy/helm/render-kubernetes.py")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rule-\(UUID().uuidString).yml")
        try Data(try Yams.dump(object: spec).utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (checkStatus, output) = try await runTool("promtool", ["check", "rules", file.path])
        #expect(checkStatus == 0, "\(output)")
        #expect(output.contains("SUCCESS: 32 rules found"), "\(output)")
    }

    @Test("the kustomization lists every manifest but the single-replica variant, and the StatefulSet shards by ordinal")
    func kustomization() throws {
        let kustomization = try #require(try Yams.load(yaml: String(contentsOf: Self.directory.appendingPathComponent("kustomization.yaml"),
                                                                     encoding: .utf8)) as? [String: Any])
        let resources = Set(kustomization["resources"] as? [String] ?? [])
        #expect(resources == Set(try Self.manifests()).subtracting(["kustomization.yaml", "deployment.yaml"]))
        let statefulSet = try String(contentsOf: Self.directory.appendingPathComponent("statefulset.yaml"), encoding: .utf8)
        #expect(statefulSet.contains("replicas: 3") && statefulSet.contains("--shard.count=3")
                && statefulSet.contains("--shard.index=from-hostname"))
        for probe in ["/-/healthy", "/-/ready"] { #expect(statefulSet.contains("path: \(probe)")) }
        let deployment = try String(contentsOf: Self.directory.appendingPathComponent("deployment.yaml"), encoding: .utf8)
        #expect(deployment.contains("kind: Deployment") && deployment.contains("replicas: 1") && !deployment.contains("--shard."))
    }
}
