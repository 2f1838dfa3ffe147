import APIKeyExporter
import Foundation
import TestSupport
import Testing

@Suite("--web.config.file: TLS, client certificates, basic auth; many idle connections")
struct WebSecurityTests {
    /// A bcrypt hash made by Python's crypt module (libxcrypt underneath), independently of the exporter.
    static func bcryptHash(_ password: String) async throws -> String {
        let (status, output) = try await runTool("python3", ["-W", "ignore", "-c", """
            import crypt, sys
            print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))
            """, password])
        #expect(status == 0, "\(output)")
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl tool.
    static func makeCertificates(in directory: URL) async throws {
        func openssl(_ arguments: [String]) async throws {
            let (status, output) = try await runTool("openssl", arguments)
            #expect(status == 0, "openssl \(arguments.joined(separator: " ")): \(output)")
        }
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: directory.appendingPathComponent("server.ext"))
        try Data("extendedKeyUsage=clientAuth\n".utf8).write(to: directory.appendingPathComponent("client.ext"))
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await openssl(["req", "-x509"] + ec + ["-keyout", path("ca.key"), "-out", path("ca.crt"), "-days", "2", "-subj", "/CN=test-ca"])
        for name in ["server", "client"] {
            try await openssl(["req"] + ec + ["-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(name)"])
            try await openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                         "-CAcreateserial", "-out", path("\(name).crt"), "-days", "2", "-extfile", path("\(name).ext")])
        }
    }

    /// `directory/web.yml`: TLS with the certificates `makeCertificates` made there, client certificates required,
    /// and basic auth for `prometheus` with `hash`.
    static func writeMutualTLSConfig(in directory: URL, hash: String) throws -> URL {
        let file = directory.appendingPathComponent("web.yml")
        try Data("""
            tls_server_config:
              cert_file: \(directory.path)/server.crt
              key_file: \(directory.path)/server.key
              client_ca_file: \(directory.path)/ca.crt
              client_auth_type: RequireAndVerifyClientCert
            basic_auth_users:
              prometheus: '\(hash)'

            """.utf8).write(to: file)
        return file
    }

    @Test("a bad web config names the field")
    func badWebConfig() {
        let cases = [
            ("tls_server_config:\n  cert_file: /nonexistent.crt\n  key_file: /nonexistent.key\n", "w.yml:2: tls_server_config.cert_file"),
            ("basic_auth_users:\n  alice: plaintext\n", "w.yml:2: basic_auth_users.alice"),
            ("basic_auth_user:\n  alice: x\n", "w.yml:1: basic_auth_user"),
        ]
        for (yaml, field) in cases {
            do {
                _ = try WebConfig.parse(yaml, file: "w.yml")
                Issue.record("accepted \(yaml)")
            } catch {
                #expect(error.field == field, "\(error)")
            }
        }
    }

    @Test("HTTPS with a required client certificate and basic auth: only the right client with the right password gets in")
    func tlsAndBasicAuth() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.makeCertificates(in: directory)
        let password = "scrape-pass-\(UUID().uuidString.prefix(8))"
        let hash = try await Self.bcryptHash(password)
        #expect(hash.hasPrefix("$2b$"))
        let webConfig = try Self.writeMutualTLSConfig(in: directory, hash: hash)

        let exporter = try ExporterProcess(
            arguments: ["--demo", "--web.listen-address", "127.0.0.1:0", "--web.config.file", webConfig.path], environment: [:])
        let port = try await exporter.waitForListeningPort()
        let url = "https://127.0.0.1:\(port)/metrics"
        let basic = "Authorization: Basic " + Data("prometheus:\(password)".utf8).base64EncodedString()
        let wrong = "Authorization: Basic " + Data("prometheus:not-it".utf8).base64EncodedString()
        var trustedOptions = TransportOptions()
        trustedOptions.caFile = directory.appendingPathComponent("ca.crt").path
        var clientOptions = trustedOptions
        clientOptions.clientCertificateFile = directory.appendingPathComponent("client.crt").path
        clientOptions.clientKeyFile = directory.appendingPathComponent("client.key").path
        let trusted = trustedOptions
        let client = clientOptions

        let (good, again, badPassword, noPassword) = try await offPool {
            let handle = CurlEasyHandle(options: client)
            return (try handle.get(url, headers: [basic]), try handle.get(url, headers: [basic]),
                    try handle.get(url, headers: [wrong]), try handle.get(url, headers: []))
        }
        #expect(good.status == 200)
        #expect(String(decoding: good.body, as: UTF8.self).contains("mongodb_apikey_exporter_build_info"))
        #expect(again.status == 200)
        #expect(badPassword.status == 401)
        #expect(badPassword.headers["www-authenticate"] == "Basic realm=\"mongodb_apikey_exporter\"")
        #expect(noPassword.status == 401)

        let withoutCertificate = await offPoolResult { try CurlEasyHandle(options: trusted).get(url, headers: [basic]) }
        guard case .failure(.transport) = withoutCertificate else {
            Issue.record("a client without a certificate got in: \(withoutCertificate)")
            return
        }
        let plainHTTP = await offPoolResult { try CurlEasyHandle(options: TransportOptions()).get("http://127.0.0.1:\(port)/metrics", headers: [basic]) }
        #expect((try? plainHTTP.get().status) != 200)
        #expect(try await exporter.terminate() == 0)
        #expect(!exporter.stderr.contains(password))
    }

    @Test("scrapes are served while 1,000 idle connections are open")
    func idleConnections() async throws {
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0"], environment: [:])
        let port = try await exporter.waitForListeningPort()
        // The 1,000 connections are held by a child process: this test process spawns processes from other suites
        // at the same time, and Foundation's Process.run has crashed in a process holding over a thousand
        // descriptors (seen once in CI, with this test's sockets open).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: try which("python3"))
        holder.arguments = ["-c", """
            import socket, sys
            held = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(1000)]
            print(len(held), flush=True)
            sys.stdin.read()
            """, "\(port)"]
        let input = Pipe()
        let output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        defer {
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        let held = await BlockingIO.run(label: "test.idle-connections") {
            String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(held.trimmingCharacters(in: .whitespacesAndNewlines) == "1000", "\(held)")
        for _ in 0..<5 {
            let (response, took) = try await timedHTTPGet("http://127.0.0.1:\(port)/metrics")
            #expect(response.status == 200)
            #expect(took < .seconds(5), "a scrape waited behind the idle connections")
        }
        #expect(try await exporter.terminate() == 0)
    }
}
