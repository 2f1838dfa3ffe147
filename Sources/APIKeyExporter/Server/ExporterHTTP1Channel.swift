import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import ServerSupport

/// Hummingbird's HTTP/1 child channel with a ``RequestLimitHandler`` put next to NIO's HTTP/1 codec, and a
/// ``ShutdownGraceHandler`` next to the socket.
///
/// Hummingbird's `additionalChannelHandlers` come after the conversion to HTTP types, which drops the request's
/// version, so a handler there cannot tell an HTTP/1.0 request without keep-alive from an HTTP/1.1 one.
struct ExporterHTTP1Channel: ServerChildChannel {
    let base: HTTP1Channel
    /// How long a connection may go on once the server shuts down, and where the ones cut are counted.
    let shutdownGrace: TimeAmount
    let cuts: ShutdownGrace.Cuts

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Completed synchronously on the channel's event loop, before anything is read.
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let requests = RequestLimitHandler()
            try pipeline.addHandler(requests, position: .after(decoder))
            // First: under TLS too, it must see the bytes the socket has yet to take, and close below TLS.
            try pipeline.addHandler(ShutdownGraceHandler(grace: shutdownGrace, cuts: cuts, requests: requests),
                                    position: .first)
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }

    /// The server builder, with idle keep-alive connections closed after `idleTimeout`, every connection
    /// `shutdownGrace` after a shutdown begins, and one made as the listener closes closed at once.
    static func builder(idleTimeout: TimeAmount, shutdownGrace: TimeAmount, cuts: ShutdownGrace.Cuts) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ClosingUnserved(ExporterHTTP1Channel(
                base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)),
                shutdownGrace: shutdownGrace, cuts: cuts))
        }
    }
}
