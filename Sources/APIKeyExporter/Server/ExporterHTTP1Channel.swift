import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Hummingbird's HTTP/1 child channel with a ``RequestLimitHandler`` put next to NIO's HTTP/1 codec, and a
/// ``ShutdownGraceHandler`` next to the socket.
///
/// Hummingbird's `additionalChannelHandlers` come after the conversion to HTTP types, which drops the request's
/// version, so a handler there cannot tell an HTTP/1.0 request without keep-alive from an HTTP/1.1 one.
struct ExporterHTTP1Channel: ServerChildChannel {
    /// A connection set up to be served. NIO drops a connection whose setup ends just after the listener closed
    /// (a client connecting at SIGTERM), so the server never sees it, and traps when that channel's writer goes
    /// away unfinished (apple/swift-nio#3481). A connection never served finishes and closes itself instead.
    final class Connection: ServerChildChannelValue {
        private let base: HTTP1Channel.Value
        private let served = Atomic<Bool>(false)

        var channel: any Channel { base.channel }

        init(_ base: HTTP1Channel.Value) {
            self.base = base
        }

        /// The channel, to be served once.
        func serve() -> HTTP1Channel.Value {
            served.store(true, ordering: .relaxed)
            return base
        }

        deinit {
            guard !served.load(ordering: .relaxed) else { return }
            let unserved = base
            Task { try? await unserved.executeThenClose { _, _ in } }
        }
    }

    let base: HTTP1Channel
    /// How long a connection may go on once the server shuts down, and where the ones cut are counted.
    let shutdownGrace: TimeAmount
    let cuts: ShutdownGrace.Cuts

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Completed synchronously on the channel's event loop, before anything is read.
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let requests = RequestLimitHandler()
            try pipeline.addHandler(requests, position: .after(decoder))
            // First: under TLS too, it must see the bytes the socket has yet to take, and close below TLS.
            try pipeline.addHandler(ShutdownGraceHandler(grace: shutdownGrace, cuts: cuts, requests: requests),
                                    position: .first)
            return Connection(value)
        }
    }

    func handle(value: Connection, logger: Logger) async {
        await base.handle(value: value.serve(), logger: logger)
    }

    /// The server builder, with idle keep-alive connections closed after `idleTimeout`, and every connection
    /// `shutdownGrace` after a shutdown begins.
    static func builder(idleTimeout: TimeAmount, shutdownGrace: TimeAmount, cuts: ShutdownGrace.Cuts) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ExporterHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)),
                                 shutdownGrace: shutdownGrace, cuts: cuts)
        }
    }
}
