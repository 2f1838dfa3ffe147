import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The binary's end: SIGTERM while scrapers hold big responses, and a listen address it cannot bind.
@Suite("Shutdown: stalled scrapers, an address that cannot be bound")
struct ShutdownTests {
    /// A scrape of /metrics in plain text (so the exporter streams it 64 KB at a time) whose client has read the
    /// response's head and then stopped reading.
    struct Scrape: Sendable {
        let socket: Int32
        /// What was read so far: the head, and whatever of the body came with it.
        let bytes: [UInt8]
    }

    /// Opens `count` scrapes and reads each one's head (bounded); the sockets' buffers then fill, and the
    /// exporter's writes wait on them.
    static func stalledScrapes(port: Int, count: Int) async throws -> [Scrape] {
        try await offPool {
            var scrapes: [Scrape] = []
            for _ in 0..<count {
                guard let socket = connectLoopback(port: port) else { break }
                // A small receive window that does not grow: the exporter's writes stop after a few hundred KB.
                var size: Int32 = 64 << 10
                setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
                guard RawHTTP.send(socket, Array("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n".utf8)) else {
                    close(socket)
                    break
                }
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                let separator = Array("\r\n\r\n".utf8)
                for _ in 0..<300 where !Self.contains(bytes, separator) {
                    var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                    guard poll(&descriptor, 1, 100) > 0 else { continue }
                    let read = buffer.withUnsafeMutableBytes { Glibc.read(socket, $0.baseAddress, $0.count) }
                    guard read > 0 else { break }
                    bytes += buffer[0..<read]
                }
                scrapes.append(Scrape(socket: socket, bytes: bytes))
            }
            return scrapes
        }
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        bytes.count >= needle.count && (0...(bytes.count - needle.count)).contains { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    @Test("SIGTERM with three scrapers stalled on a 20 MB exposition: exit 0 within the grace, one line with the cuts; readers get all of theirs")
    func stalledScrapers() async throws {
        // 30,000 keys make an exposition of about 20 MB: far more than the sockets' buffers hold.
        // Generated off the concurrency pool, whose two threads every suite running at once shares.
        let inventory = try await offPool { InventoryGenerator(seed: 24, keysPerOrg: [30_000]).generate() }
        try await withSimulator(inventory) { _, running in
            let exporter = try ExporterProcess(
                arguments: ["--atlas.base-url", running.baseURL(), "--web.listen-address", "127.0.0.1:0",
                            "--poll.interval", "1h"],
                environment: testEnvironment)
            let port = try await exporter.waitForListeningPort()
            try await exporter.waitUntilReady(port: port, timeout: .seconds(240))

            let stalled = try await Self.stalledScrapes(port: port, count: 3)
            // Two more that will read theirs to the end once the shutdown has begun, within the grace.
            let readers = try await Self.stalledScrapes(port: port, count: 2)
            defer { for scrape in stalled + readers { close(scrape.socket) } }
            #expect(stalled.count == 3 && readers.count == 2, "five scrapes started")
            for scrape in stalled + readers {
                #expect(String(decoding: scrape.bytes.prefix(15), as: UTF8.self) == "HTTP/1.1 200 OK", "a response began")
            }

            let signalled = ContinuousClock.now
            exporter.send(SIGTERM)
            // New connections are refused at once (the process is still serving the stalled ones' grace). Bounded:
            // 200 tries 20 ms apart, inside the grace even on a loaded machine.
            let refused = try await offPool { () -> Bool in
                for _ in 0..<200 {
                    guard let socket = connectLoopback(port: port) else { return true }
                    close(socket)
                    usleep(20_000)
                }
                return false
            }
            #expect(refused, "still accepting after SIGTERM")
            #expect(exporter.isRunning, "gone before the grace ran out")

            let readersSockets = readers.map(\.socket)
            let read = try await offPool { readersSockets.map { RawHTTP.readToEnd($0, timeout: .seconds(20)) } }
            for ((bytes, end), scrape) in zip(read, readers) {
                let (responses, leftover) = RawHTTP.responses(scrape.bytes + bytes)
                #expect(responses.count == 1 && leftover == 0, "a reader's response was cut: \(end), \(leftover) bytes over")
                #expect(responses.first.map { $0.body.count > 10_000_000 } == true, "a big exposition")
                #expect(end == .closed, "\(end)")
                print("a reader got \(responses.first?.body.count ?? 0) bytes of exposition, then the end of the stream")
            }

            // The documented bound is the grace (5 s) plus the time to close; 20 s more is for a loaded machine.
            let status = try await exporter.terminate(timeout: .seconds(25))
            let elapsed = ContinuousClock.now - signalled
            // A trap prints its backtrace on standard error: the failure says where.
            #expect(status == 0, "\(status == nil ? "killed after 25 s" : exporter.termination): \(exporter.stderr.suffix(6000))")
            #expect(elapsed < ShutdownGrace.default + .seconds(20), "\(elapsed)")
            let lines = exporter.stderrLines.filter { $0.contains("connections_cut=") }
            #expect(lines.count == 1, "\(lines)")
            #expect(lines.first?.contains("connections_cut=3") == true, "\(lines)")
            print("SIGTERM with 3 stalled scrapers: exited \(status.map(String.init) ?? "-") after \(elapsed); \(lines)")

            // The stalled ones were closed: their reads end (bounded), without the rest of the exposition.
            let stalledSockets = stalled.map(\.socket)
            let ends = try await offPool { stalledSockets.map { RawHTTP.readToEnd($0, timeout: .seconds(20)).end } }
            #expect(ends.allSatisfy { $0 != .timedOut }, "\(ends)")
        }
    }

    @Test("a listen address this host cannot bind is exit 2 and one line naming the flag and the address",
          arguments: ["[fe80::1]:10025", "192.0.2.1:10025"])
    func unbindableAddress(address: String) async throws {
        // The API is a closed port on loopback: nothing leaves the host, and the poll fails at once.
        let (closed, apiPort) = try closedLoopbackPort()
        defer { close(closed) }
        let (status, stderr) = try await ExporterProcess.run(
            arguments: ["--atlas.base-url", "http://127.0.0.1:\(apiPort)/api/atlas/v2", "--web.listen-address", address],
            environment: testEnvironment)
        #expect(status == 2, "\(stderr)")
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(stderr)")
        #expect(lines.first?.contains("--web.listen-address: cannot listen on \(address)") == true, "\(stderr)")
    }
}
