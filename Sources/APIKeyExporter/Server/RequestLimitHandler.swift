import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a keep-alive connection once it has carried `limit` requests, so no single client holds a connection
/// for ever; well-behaved clients (Prometheus, curl) simply open a new one.
final class RequestLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    static let defaultLimit = 1000

    private let limit: Int
    private var requests = 0

    init(limit: Int = defaultLimit) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            requests += 1
            if requests > limit {
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
    }
}
