import APIKeyExporter
import Foundation
import TestSupport
import Testing

@Suite("gzip responses")
struct GzipTests {
    @Test("a gzip scrape is one gzip member holding the same exposition (checked by Python's zlib)")
    func singleMember() async throws {
        let exporter = try ExporterProcess(arguments: ["--demo", "--web.listen-address", "127.0.0.1:0"], environment: [:])
        let port = try await exporter.waitForListeningPort()
        try await exporter.waitUntilReady(port: port)
        let (status, output) = try await runTool("python3", ["-c", """
            import sys, urllib.request, zlib
            url = sys.argv[1]
            def fetch(accept_encoding):
                request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
                with urllib.request.urlopen(request) as response:
                    return response.headers.get("Content-Encoding"), response.headers.get("Vary"), response.read()
            encoding, vary, compressed = fetch("gzip")
            assert encoding == "gzip" and vary == "Accept, Accept-Encoding", (encoding, vary)
            inflater = zlib.decompressobj(31)
            text = inflater.decompress(compressed) + inflater.flush()
            assert inflater.eof and inflater.unused_data == b"", "not exactly one gzip member"
            encoding, _, plain = fetch("identity")
            assert encoding is None
            strip = lambda body: [l for l in body.decode().splitlines() if not l.startswith(("process_", "# HELP process_", "# TYPE process_"))]
            assert strip(text) == strip(plain), "the gzip body differs from the plain one"
            assert b"process_resident_memory_bytes" in text
            print(len(compressed), len(plain))
            """, "http://127.0.0.1:\(port)/metrics"])
        #expect(status == 0, "\(output)")
        let sizes = output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(sizes.count == 2 && sizes[0] * 4 < sizes[1], "gzip should shrink the exposition: \(output)")
        #expect(try await exporter.terminate() == 0)
    }

    @Test("an exposition of many deflated pieces: gzip decodes to it (Python's zlib), and a plain scrape inflates it exactly, with its length")
    func manyPieces() async throws {
        // 30,000 keys: about 16 MB of text in several 64 KB pieces.
        let keys = (0..<30_000).map { index in
            APIKey(id: String(format: "5c47503320eef5699e%06x", index), publicKey: "pk\(index)", desc: "key \(index) \"quoted\"",
                   roles: [RoleAssignment(scope: .organization, roleName: "ORG_MEMBER"),
                           RoleAssignment(scope: .project(String(format: "5898b95f87d9d6270e8995%02x", index % 64)), roleName: "GROUP_OWNER")])
        }
        let states = [RendererTests.state(keys: keys)]
        let renderer = InventoryRenderer()
        let cache = ExpositionCache()
        cache.publish(text: renderer.renderDeflated(states), openMetrics: { renderer.renderDeflated(states, format: .openMetrics) },
                      ready: true)
        #expect(cache.current.text.pieces.count > 5, "held in many pieces")
        let expected = Data(renderer.render(states))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("expected-\(UUID().uuidString).txt")
        try expected.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        try await serving(cache) { port in
            let (status, output) = try await runTool("python3", ["-c", """
                import sys, urllib.request, zlib
                url, expected = sys.argv[1], open(sys.argv[2], "rb").read()
                def fetch(accept_encoding):
                    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
                    with urllib.request.urlopen(request) as response:
                        return response.headers, response.read()
                headers, compressed = fetch("gzip")
                assert headers.get("Content-Encoding") == "gzip"
                inflater = zlib.decompressobj(31)
                text = inflater.decompress(compressed) + inflater.flush()
                assert inflater.eof and inflater.unused_data == b"", "not exactly one gzip member"
                assert text.startswith(expected) and text[len(expected):].startswith(b"# HELP "), "gzip body is not the exposition"
                headers, plain = fetch("identity")
                assert headers.get("Content-Encoding") is None
                assert int(headers.get("Content-Length")) == len(plain), "Content-Length"
                assert plain.startswith(expected) and b"process_" in plain[len(expected):], "plain body is not the exposition"
                print(len(compressed), len(plain))
                """, "http://127.0.0.1:\(port)/metrics", file.path])
            #expect(status == 0, "\(output)")
        }
    }

    @Test("Accept-Encoding negotiation")
    func negotiation() {
        #expect(ExporterServer.acceptsGzip("gzip"))
        #expect(ExporterServer.acceptsGzip("deflate, gzip;q=1.0, *;q=0.5"))
        #expect(!ExporterServer.acceptsGzip("gzip;q=0"))
        #expect(!ExporterServer.acceptsGzip("identity"))
        #expect(!ExporterServer.acceptsGzip(nil))
    }
}
