import NIOCore
import Synchronization

/// How a shutdown treats the connections still open: Hummingbird stops accepting and asks every connection to
/// finish (NIO's `ChannelShouldQuiesceEvent`), then waits for all of them to close. A client that stops reading
/// in the middle of a big response would make it wait for ever (and SIGTERM end in SIGKILL), so each connection
/// gets `grace` from that moment to finish its response, and is then closed whatever the client does.
public enum ShutdownGrace {
    /// What a connection gets after SIGTERM to finish its response before it is cut: a 20 MB exposition takes
    /// longer only on a link slower than 32 Mbit/s, and the whole shutdown stays well inside Kubernetes' default
    /// 30 s grace period.
    public static let `default`: Duration = .seconds(5)

    /// Connections the grace ran out on, across the server's connections.
    final class Cuts: Sendable {
        private let count = Atomic<Int>(0)

        var value: Int { count.load(ordering: .relaxed) }

        func record() {
            count.add(1, ordering: .relaxed)
        }
    }
}

/// Put first in a connection's pipeline (next to the socket), it sees every byte written and every close.
///
/// On the quiesce event it starts the connection's grace. Until the grace runs out, a close asked for while
/// written bytes still wait for the socket (Hummingbird closes a connection as soon as its last response is
/// handed over, which would drop the tail of a big one) waits for them; when it runs out, the connection is
/// closed at once, pending bytes and all, and counted in `cuts` if that loses something: bytes not yet taken by
/// the socket, or a request still being answered (`requests`, the connection's ``RequestLimitHandler``). An idle
/// connection closed then (a TLS client that never answers close_notify) is not a cut.
final class ShutdownGraceHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Any

    private let grace: TimeAmount
    private let cuts: ShutdownGrace.Cuts
    private let requests: RequestLimitHandler
    /// Writes handed to the socket whose promise has not completed yet, counted from the quiesce event on (the
    /// writes before it by one empty write behind them, since NIO completes writes in order): until then every
    /// write passes untouched.
    private var unwritten = 0
    private var quiescing = false
    private var inactive = false
    /// A full close put off until `unwritten` reaches 0 (or the grace ends).
    private var heldClose: EventLoopPromise<Void>?
    private var deadline: Scheduled<Void>?

    /// `requests` lives in the same pipeline, so on the same event loop as this handler.
    init(grace: TimeAmount, cuts: ShutdownGrace.Cuts, requests: RequestLimitHandler) {
        self.grace = grace
        self.cuts = cuts
        self.requests = requests
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        inactive = true
        deadline?.cancel()
        deadline = nil
        // Closed from below (the client reset it, say): the close that was held is done.
        if let held = heldClose {
            heldClose = nil
            held.succeed(())
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, !quiescing, !inactive {
            quiescing = true
            // A connection accepted as the listener closes can get the event before it is active: nothing was
            // written yet, and an empty write would wait there for a flush that never comes (and count as a cut).
            if context.channel.isActive {
                track(context, NIOAny(context.channel.allocator.buffer(capacity: 0)), promise: nil)
                context.flush()
            }
            let loop = context.eventLoop.assumeIsolated()
            deadline = loop.scheduleTask(in: grace) { [self] in
                deadline = nil
                guard !inactive else { return }
                if unwritten > 0 || requests.isAnswering { cuts.record() }
                // From here, not from the tail: no handler above (TLS's close_notify, say) may put it off again.
                let held = heldClose
                heldClose = nil
                context.close(mode: .all, promise: held)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard quiescing else {
            context.write(data, promise: promise)
            return
        }
        track(context, data, promise: promise)
    }

    /// Writes `data`, counted in `unwritten` until the socket has taken it; a close held till then follows.
    private func track(_ context: ChannelHandlerContext, _ data: NIOAny, promise: EventLoopPromise<Void>?) {
        let written = promise ?? context.eventLoop.makePromise()
        unwritten += 1
        written.futureResult.assumeIsolated().whenComplete { [self] _ in
            unwritten -= 1
            if unwritten == 0, !inactive, let held = heldClose {
                heldClose = nil
                context.close(mode: .all, promise: held)
            }
        }
        context.write(data, promise: written)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, quiescing, unwritten > 0, !inactive else {
            context.close(mode: mode, promise: promise)
            return
        }
        if let held = heldClose {
            if let promise { held.futureResult.cascade(to: promise) }
        } else {
            heldClose = promise ?? context.eventLoop.makePromise()
        }
    }
}
