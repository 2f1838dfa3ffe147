import APIKeyExporter
import Foundation
import TestSupport
import Testing

/// `--healthcheck` against an exporter that makes clients authenticate: `/-/healthy` is the one path basic auth
/// leaves open, and with client certificates required the check completes a TLS handshake pinned to `cert_file`.
@Suite("--healthcheck with basic auth and client certificates")
struct HealthCheckTests {
    static func healthcheck(port: Int, webConfig: URL?) async throws -> Int32? {
        try await ExporterProcess.run(arguments: ["--healthcheck", "--web.listen-address", "127.0.0.1:\(port)"]
                                          + (webConfig.map { ["--web.config.file", $0.path] } ?? []),
                                      environment: [:]).0
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("health-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The status line of `GET path` sent as is (libcurl would normalise the path), on a connection of its own.
    static func rawStatus(port: Int, _ path: String) async throws -> String {
        try await offPool {
            guard let fd = connectLoopback(port: port) else { return "no connection" }
            defer { close(fd) }
            _ = RawHTTP.send(fd, Array("GET \(path) HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".utf8))
            let (bytes, _) = RawHTTP.readToEnd(fd, timeout: .seconds(10))
            return String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? "nothing"
        }
    }

    @Test("basic auth on: /-/healthy answers without a password, nothing else does, and --healthcheck exits 0")
    func basicAuth() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let password = "scrape-\(UUID().uuidString.prefix(8))"
        let hash = try await WebSecurityTests.bcryptHash(password)
        let webConfig = directory.appendingPathComponent("web.yml")
        try Data("basic_auth_users:\n  prometheus: '\(hash)'\n".utf8).write(to: webConfig)
        let exporter = try ExporterProcess(
            arguments: ["--demo", "--web.listen-address", "127.0.0.1:0", "--web.config.file", webConfig.path], environment: [:])
        let port = try await exporter.waitForListeningPort()
        let base = "http://127.0.0.1:\(port)"

        #expect(try await Self.healthcheck(port: port, webConfig: webConfig) == 0)
        #expect(try await Self.healthcheck(port: port, webConfig: nil) == 0, "the web config is not needed for basic auth")
        let (healthy, head, post) = try await offPool {
            let handle = CurlEasyHandle(options: TransportOptions())
            return (try handle.get(base + "/-/healthy", headers: []), try handle.request(base + "/-/healthy", method: "HEAD"),
                    try handle.request(base + "/-/healthy", method: "POST", body: Array("x".utf8)))
        }
        #expect(healthy.status == 200 && String(decoding: healthy.body, as: UTF8.self) == "Healthy\n")
        #expect(healthy.headers["www-authenticate"] == nil)
        #expect(head.status == 200)
        #expect(post.status == 405, "methods are checked before the exemption")

        // Every other path, known or not, still asks for the password.
        for path in ["/metrics", "/", "/-/ready", "/config", "/-/healthyx", "/-/Healthy", "/-/healthy/x", "/nothing",
                     "/-/healthy/../metrics", "/-/healthy%2F..%2Fmetrics", "//metrics"] {
            let status = try await Self.rawStatus(port: port, path)
            #expect(status.hasPrefix("HTTP/1.1 401"), "\(path): \(status)")
        }
        let basic = "Authorization: Basic " + Data("prometheus:\(password)".utf8).base64EncodedString()
        #expect(try await httpGet(base + "/metrics", headers: [basic]).status == 200)
        #expect(try await exporter.terminate() == 0, "\(exporter.stderr)")
        #expect(try await Self.healthcheck(port: port, webConfig: webConfig) != 0, "nothing listens any more")
    }

    @Test("client certificates required (and basic auth): --healthcheck exits 0 by handshake, pinned to cert_file")
    func clientCertificates() async throws {
        let directory = try Self.temporaryDirectory()
        let stranger = try Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: stranger)
        }
        try await WebSecurityTests.makeCertificates(in: directory)
        try await WebSecurityTests.makeCertificates(in: stranger)
        let hash = try await WebSecurityTests.bcryptHash("scrape-\(UUID().uuidString.prefix(8))")
        let config = try WebSecurityTests.writeMutualTLSConfig(in: directory, hash: hash)
        let exporter = try ExporterProcess(
            arguments: ["--demo", "--web.listen-address", "127.0.0.1:0", "--web.config.file", config.path], environment: [:])
        let port = try await exporter.waitForListeningPort()
        #expect(try await Self.healthcheck(port: port, webConfig: config) == 0)
        // The handshake proves nothing to a client: without a certificate, no request gets an answer.
        let withoutCertificate = await offPoolResult {
            try CurlEasyHandle(options: TransportOptions()).get("https://127.0.0.1:\(port)/-/healthy", headers: [])
        }
        #expect((try? withoutCertificate.get()) == nil, "a client without a certificate got an answer")
        // Another server's key on the port does not pass: the check pins its own cert_file's.
        #expect(try await Self.healthcheck(port: port, webConfig: try WebSecurityTests.writeMutualTLSConfig(in: stranger, hash: hash)) != 0)
        var trusted = TransportOptions()
        trusted.caFile = directory.appendingPathComponent("ca.crt").path
        trusted.clientCertificateFile = directory.appendingPathComponent("client.crt").path
        trusted.clientKeyFile = directory.appendingPathComponent("client.key").path
        let client = trusted
        let withCertificate = try await offPool {
            try CurlEasyHandle(options: client).get("https://127.0.0.1:\(port)/-/healthy", headers: [])
        }
        #expect(withCertificate.status == 200, "with a certificate, /-/healthy needs no password")
        #expect(try await exporter.terminate() == 0, "\(exporter.stderr)")
        #expect(try await Self.healthcheck(port: port, webConfig: config) != 0, "nothing listens any more")

        // TLS without client certificates: the check's GET itself, pinned the same way.
        func tlsOnly(_ directory: URL) throws -> URL {
            let file = directory.appendingPathComponent("tls.yml")
            try Data("tls_server_config:\n  cert_file: \(directory.path)/server.crt\n  key_file: \(directory.path)/server.key\n".utf8)
                .write(to: file)
            return file
        }
        let plain = try ExporterProcess(
            arguments: ["--demo", "--web.listen-address", "127.0.0.1:0", "--web.config.file", try tlsOnly(directory).path],
            environment: [:])
        let plainPort = try await plain.waitForListeningPort()
        #expect(try await Self.healthcheck(port: plainPort, webConfig: try tlsOnly(directory)) == 0)
        #expect(try await Self.healthcheck(port: plainPort, webConfig: try tlsOnly(stranger)) != 0)
        var anyCertificate = TransportOptions()
        anyCertificate.verifyPeer = false
        let options = anyCertificate
        let healthy = try await offPool { try CurlEasyHandle(options: options).get("https://127.0.0.1:\(plainPort)/-/healthy", headers: []) }
        #expect(healthy.status == 200)
        #expect(try await plain.terminate() == 0, "\(plain.stderr)")
    }
}
