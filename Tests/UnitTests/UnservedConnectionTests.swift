@testable import APIKeyExporter
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import TestSupport
import Testing

/// A client that connects as the listener closes (a scrape at SIGTERM): NIO sets its connection up, then drops it
/// before the server sees it. NIO traps when such a channel becomes active with nobody to finish its writer, and the
/// exporter then died by SIGILL instead of exiting 0.
@Suite("A connection set up but never served")
struct UnservedConnectionTests {
    @Test("a connection dropped after its setup closes: the client reads the end of the stream, the process lives")
    func droppedConnectionCloses() async throws {
        let childChannel = ExporterHTTP1Channel(base: HTTP1Channel(responder: { _, _, _ in }),
                                                shutdownGrace: .seconds(5), cuts: ShutdownGrace.Cuts())
        let logger = Logger(label: "test")
        // What NIO does with it: the setup runs (before the channel is active), and its result is let go.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in childChannel.setup(channel: channel, logger: logger).map { _ in } }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let ends = try await offPool { () -> [RawHTTP.End] in
            // A few, so that several drops happen on each of the group's event loops.
            (0..<4).map { _ in
                guard let socket = connectLoopback(port: port) else { return .reset }
                defer { close(socket) }
                return RawHTTP.readToEnd(socket, timeout: .seconds(20)).end
            }
        }
        try await server.close()
        #expect(ends == [.closed, .closed, .closed, .closed])
    }
}
