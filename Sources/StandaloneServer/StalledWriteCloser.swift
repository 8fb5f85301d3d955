import NIOCore

/// Closes a connection whose client stops reading its answer: once the channel has stayed unwritable (its
/// outbound buffer past NIO's high-water mark, the socket's send buffer full) for `timeout` without a byte of its
/// outbound buffer taken by the socket meanwhile, the connection is closed. A client that reads slowly keeps it:
/// a whole answer is handed to the channel at once, so the channel stays unwritable until all but NIO's low-water
/// mark has gone out, however steadily the client reads. Hummingbird's idle timeout does not cover an answer
/// being written, and a body writer waits for writability without a limit, so a client that never reads would
/// hold the answer's memory — a whole `SAMPLES` answer, or a streamed read's worker thread — for as long as it
/// keeps the connection open. Closing makes the pending write fail and the answer is dropped (logged 499 with
/// what the service did).
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
        schedule(context.channel, buffered: bufferedBytes(context.channel))
    }

    /// Checks after `timeout` whether the outbound buffer shrank below `buffered`: then again, else closes.
    private func schedule(_ channel: Channel, buffered: Int?) {
        let handler = NIOLoopBound(self, eventLoop: channel.eventLoop)
        scheduled = channel.eventLoop.scheduleTask(in: timeout) {
            handler.value.scheduled = nil
            guard !channel.isWritable else { return }
            let now = handler.value.bufferedBytes(channel)
            if let buffered, let now, now < buffered {
                handler.value.schedule(channel, buffered: now)
            } else {
                channel.close(promise: nil)
            }
        }
    }

    /// NIO's count of the bytes written to `channel` and not yet taken by its socket.
    static func bufferedBytes(_ channel: Channel) -> Int? {
        try? channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)
    }

    private func disarm() {
        scheduled?.cancel()
        scheduled = nil
    }
}
