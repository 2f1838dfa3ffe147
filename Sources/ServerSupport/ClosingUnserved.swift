import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// A server's child channel whose connections close themselves when they are let go without being served.
///
/// NIO drops a connection whose setup ends just after the listener closed (a client connecting as the server shuts
/// down): the server never sees it, and NIO traps when that channel's writer goes away unfinished
/// (apple/swift-nio#3481), which ended the process by SIGILL instead of a clean exit. The exporter's server and the
/// simulator's both wrap their channel in this.
package struct ClosingUnserved<Base: ServerChildChannel, Inbound: Sendable, Outbound: Sendable>: ServerChildChannel
where Base.Value == NIOAsyncChannel<Inbound, Outbound> {
    /// A connection set up to be served: served once, or closed when let go.
    package final class Connection: ServerChildChannelValue {
        private let base: Base.Value
        private let served = Atomic<Bool>(false)

        package var channel: any Channel { base.channel }

        init(_ base: Base.Value) {
            self.base = base
        }

        /// The channel, to be served.
        func serve() -> Base.Value {
            served.store(true, ordering: .relaxed)
            return base
        }

        deinit {
            guard !served.load(ordering: .relaxed) else { return }
            // Closing removes the channel's handlers, which finishes its writer; held until then, the writer cannot
            // go away unfinished. On the channel's event loop, with no task to wait for a busy concurrency pool.
            let unserved = base
            unserved.channel.close(promise: nil)
            unserved.channel.closeFuture.whenComplete { _ in withExtendedLifetime(unserved) {} }
        }
    }

    package let base: Base

    package init(_ base: Base) {
        self.base = base
    }

    package func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        base.setup(channel: channel, logger: logger).map { Connection($0) }
    }

    package func handle(value: Connection, logger: Logger) async {
        await base.handle(value: value.serve(), logger: logger)
    }
}
