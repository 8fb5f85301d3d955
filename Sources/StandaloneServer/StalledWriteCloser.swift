import NIOCore

/// Closes a connection whose client stops reading its answer: once the channel has stayed unwritable (its
/// outbound buffer past NIO's high-water mark, the socket's send buffer full) for `timeout` without a byte of its
/// outbound buffer taken by the socket meanwhile (checked every quarter of `timeout`), the connection is closed.
/// A client that reads slowly keeps it: a whole answer is handed to the channel at once, so the channel stays
/// unwritable until all but NIO's low-water mark has gone out, however steadily the client reads. The socket
/// takes from NIO's buffer only once a third or so of its own send buffer is free (the kernel's writability
/// threshold), so "progress" means the client read that much (hundreds of KB) within `timeout`, not a trickle.
/// Hummingbird's idle timeout does not cover an answer being written, and a body writer waits for writability
/// without a limit, so a client that never reads would hold the answer's memory — a whole `SAMPLES` answer, or a
/// streamed read's worker thread — for as long as it keeps the connection open. Closing makes the pending write
/// fail and the answer is dropped (logged 499 with what the service did).
final class StalledWriteCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let timeout: TimeAmount
    /// Bytes written to the channel and not yet taken by its socket (nil where the channel cannot say).
    private let bufferedBytes: (Channel) -> Int?
    private var scheduled: Scheduled<Void>?

    init(timeout: TimeAmount, bufferedBytes: @escaping (Channel) -> Int? = StalledWriteCloser.bufferedBytes) {
        self.timeout = timeout
        self.bufferedBytes = bufferedBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if !context.channel.isWritable { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { disarm() } else { arm(context) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard scheduled == nil else { return }
        let channel = context.channel
        schedule(channel, buffered: bufferedBytes(channel), progressAt: channel.eventLoop.now)
    }

    /// Checks every quarter of `timeout` whether the socket took some of the outbound buffer (it shrank below
    /// `buffered`); closes once it has taken nothing since `progressAt` for `timeout`.
    private func schedule(_ channel: Channel, buffered: Int?, progressAt: NIODeadline) {
        let handler = NIOLoopBound(self, eventLoop: channel.eventLoop)
        scheduled = channel.eventLoop.scheduleTask(in: Self.checkInterval(timeout)) {
            handler.value.scheduled = nil
            guard !channel.isWritable else { return }
            let now = channel.eventLoop.now
            let current = handler.value.bufferedBytes(channel)
            if let buffered, let current, current < buffered {
                handler.value.schedule(channel, buffered: current, progressAt: now)
            } else if now - progressAt >= handler.value.timeout {
                channel.close(promise: nil)
            } else {
                handler.value.schedule(channel, buffered: buffered, progressAt: progressAt)
            }
        }
    }

    /// A quarter of `timeout`: a stall is closed at most that long after `timeout`.
    static func checkInterval(_ timeout: TimeAmount) -> TimeAmount { .nanoseconds(max(timeout.nanoseconds / 4, 1)) }

    /// NIO's count of the bytes written to `channel` and not yet taken by its socket.
    static func bufferedBytes(_ channel: Channel) -> Int? {
        try? channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)
    }

    private func disarm() {
        scheduled?.cancel()
        scheduled = nil
    }
}
