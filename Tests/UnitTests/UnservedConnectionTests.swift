@testable import APIKeyExporter
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServerSupport
import TestSupport
import Testing

/// A client that connects as the listener closes (a scrape at SIGTERM, a poller's request as the simulator stops):
/// NIO sets its connection up, then drops it before the server sees it. NIO traps when such a channel becomes active
/// with nobody to finish its writer, and the process died by SIGILL instead of exiting 0.
@Suite("A connection set up but never served")
struct UnservedConnectionTests {
    enum Server: String, CaseIterable {
        case exporter, simulator
    }

    /// The child channel each server is built with.
    static func setup(_ server: Server) -> @Sendable (any Channel, Logger) -> EventLoopFuture<Void> {
        let http = HTTP1Channel(responder: { _, _, _ in })
        switch server {
        case .exporter:
            let child = ClosingUnserved(ExporterHTTP1Channel(base: http, shutdownGrace: .seconds(5), cuts: ShutdownGrace.Cuts()))
            return { channel, logger in child.setup(channel: channel, logger: logger).map { _ in } }
        case .simulator:
            let child = ClosingUnserved(http)
            return { channel, logger in child.setup(channel: channel, logger: logger).map { _ in } }
        }
    }

    @Test("a connection dropped after its setup closes: the client reads the end of the stream, the process lives",
          arguments: Server.allCases)
    func droppedConnectionCloses(server: Server) async throws {
        let setup = Self.setup(server)
        let logger = Logger(label: "test")
        // What NIO does with it: the setup runs (before the channel is active), and its result is let go.
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in setup(channel, logger) }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        let ends = try await offPool { () -> [RawHTTP.End] in
            // A few, so that several drops happen on each of the group's event loops.
            (0..<4).map { _ in
                guard let socket = connectLoopback(port: port) else { return .reset }
                defer { close(socket) }
                return RawHTTP.readToEnd(socket, timeout: .seconds(20)).end
            }
        }
        try await listener.close()
        #expect(ends == [.closed, .closed, .closed, .closed])
    }
}
