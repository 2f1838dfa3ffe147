import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// Bounded, seeded fuzzing: thousands of damaged pages for the decoder, and random bytes for the web server.
/// Passing means nothing crashed and the server still serves.
@Suite("Fuzz: mutated JSON pages and random bytes on the wire")
struct FuzzTests {
    @Test("5,000 mutated listing pages decode or fail cleanly")
    func mutatedPages() throws {
        var decoded = 0
        var failed = 0
        for bytes in PageMutator.mutatedPages(count: 5_000, seed: 2026) {
            do {
                let page = try JSONDecoder().decode(ListPage<APIKey>.self, from: Data(bytes))
                _ = OrgSnapshot(orgID: "o", keys: page.results, completedAt: 0)
                decoded += 1
            } catch {
                failed += 1
            }
        }
        // Both outcomes happen: the mutations are neither all harmless nor all fatal.
        #expect(decoded > 0 && failed > 0, "decoded \(decoded), failed \(failed)")
    }

    @Test("random bytes sent to the web server do not stop it from serving")
    func randomBytesToServer() async throws {
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0"], environment: [:])
        let port = try await exporter.waitForListeningPort()
        try await offPool {
            var random = SeededGenerator(seed: 7)
            let prefixes = ["", "GET ", "GET /metrics HTTP/1.1\r\n", "POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
                            "GET /metrics HTTP/1.1\r\nHost: x\r\n" + String(repeating: "X-Long: " + String(repeating: "a", count: 4000) + "\r\n", count: 30)]
            for round in 0..<200 {
                guard let fd = connectLoopback(port: port) else { continue }
                var timeout = timeval(tv_sec: 1, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var bytes = Array(prefixes[round % prefixes.count].utf8)
                bytes += (0..<Int.random(in: 0...2048, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var buffer = [UInt8](repeating: 0, count: 512)
                _ = recv(fd, &buffer, buffer.count, 0)
                close(fd)
            }
        }
        let response = try await httpGet("http://127.0.0.1:\(port)/metrics")
        #expect(response.status == 200)
        #expect(exporter.isRunning)
        #expect(try await exporter.terminate() == 0)
    }
}
