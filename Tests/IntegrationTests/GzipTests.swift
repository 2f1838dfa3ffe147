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
        let (status, output) = try runTool("python3", ["-c", """
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

    @Test("Accept-Encoding negotiation")
    func negotiation() {
        #expect(ExporterServer.acceptsGzip("gzip"))
        #expect(ExporterServer.acceptsGzip("deflate, gzip;q=1.0, *;q=0.5"))
        #expect(!ExporterServer.acceptsGzip("gzip;q=0"))
        #expect(!ExporterServer.acceptsGzip("identity"))
        #expect(!ExporterServer.acceptsGzip(nil))
    }
}
