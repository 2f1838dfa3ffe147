import NIOCore
import NIOHTTP1

/// Ends a connection after its last request, and says so: the response to that request carries
/// `Connection: close`, then the server stops writing (the client sees the end of the stream at once).
///
/// A request is the connection's last when its client did not ask to keep the connection (HTTP/1.0 without
/// `Connection: keep-alive`, or `Connection: close`), or when it is the connection's 1,000th, so no single client
/// holds a connection for ever; well-behaved clients (Prometheus, curl) simply open a new one. Requests pipelined
/// after the last one are read and dropped unanswered; the `Connection: close` tells the client to send them again
/// on a new connection. Reading goes on until the client closes (or the idle timeout does): closing a socket with
/// unread input would reset it and could destroy responses the client has not read yet.
///
/// It sits next to NIO's HTTP/1 codec, where the request's version is still known.
final class RequestLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let defaultLimit = 1000

    private let limit: Int
    /// Request heads passed on.
    private var requests = 0
    /// The number of the request whose response is the last, once known.
    private var lastRequest: Int?
    /// Whether a request after the last has begun: from then on, everything read is dropped.
    private var dropping = false
    /// Final (not 1xx) response heads written, and responses ended.
    private var responsesStarted = 0
    private var responsesEnded = 0

    init(limit: Int = defaultLimit) {
        self.limit = limit
    }

    /// Whether a request has been passed on whose response has not ended: closing now would lose it.
    var isAnswering: Bool { requests > responsesEnded }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), !dropping {
            if lastRequest != nil {
                dropping = true
            } else {
                requests += 1
                if !head.isKeepAlive || requests >= limit { lastRequest = requests }
            }
        }
        guard !dropping else { return }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200:
            responsesStarted += 1
            if responsesStarted == lastRequest {
                head.headers.replaceOrAdd(name: "Connection", value: "close")
                context.write(wrapOutboundOut(.head(head)), promise: promise)
                return
            }
        case .end:
            responsesEnded += 1
            if responsesEnded == lastRequest {
                context.writeAndFlush(data, promise: promise)
                // Half-close: the client reads every response, then the end of the stream. Where the channel cannot
                // half-close, close it.
                let channel = context.channel
                let closed = context.eventLoop.makePromise(of: Void.self)
                closed.futureResult.whenFailure { _ in channel.close(promise: nil) }
                context.close(mode: .output, promise: closed)
                return
            }
        default:
            break
        }
        context.write(data, promise: promise)
    }
}
