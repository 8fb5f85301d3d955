import NIOCore

/// Closes a connection whose client stops reading its answer: once the channel has stayed unwritable (its
/// outbound buffer past NIO's high-water mark, the socket's send buffer full) for `timeout`, the connection is
/// closed. Hummingbird's idle timeout does not cover an answer being written, and a body writer waits for
/// writability without a limit, so a client that never reads would hold the answer's memory — a whole `SAMPLES`
/// answer, or a streamed read's worker thread — for as long as it keeps the connection open. Closing makes the
/// pending write fail and the answer is dropped (a streamed read is logged 499 then; a whole answer was logged
/// when the service produced it).
final class StalledWriteCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let timeout: TimeAmount
    private var scheduled: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

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
        scheduled = context.eventLoop.scheduleTask(in: timeout) {
            if !channel.isWritable { channel.close(promise: nil) }
        }
    }

    private func disarm() {
        scheduled?.cancel()
        scheduled = nil
    }
}
