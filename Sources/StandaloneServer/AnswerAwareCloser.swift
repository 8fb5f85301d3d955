import NIOCore

/// Closes a connection by what became of its answer: when the client stops reading it, and not before it has
/// gone out when something else closes the connection.
///
/// **A client that stops reading.** Once the channel has stayed unwritable (its outbound buffer past NIO's
/// high-water mark, the socket's send buffer full) for `timeout` without a byte of its outbound buffer taken by
/// the socket meanwhile (checked every quarter of `timeout`), the connection is closed. A client that reads slowly
/// keeps it: a whole answer is handed to the channel at once, so the channel stays unwritable until all but NIO's
/// low-water mark has gone out, however steadily the client reads. The socket takes from NIO's buffer only once a
/// third or so of its own send buffer is free (the kernel's writability threshold), so "progress" means the client
/// read that much (hundreds of KB) within `timeout`, not a trickle. Hummingbird's idle timeout does not cover an
/// answer being written, and a body writer waits for writability without a limit, so a client that never reads
/// would hold the answer's memory — a whole `SAMPLES` answer, or a streamed read's worker thread — for as long as
/// it keeps the connection open. Closing makes the pending write fail and the answer is dropped (logged 499 with
/// what the service did).
///
/// **A close while the answer is still buffered.** Hummingbird closes a connection `timeout` after an answer's
/// end was *queued* (its idle timeout), and after the answer in flight when a graceful shutdown begins; NIO's
/// close drops whatever the socket has not taken yet, so a client still reading a large answer got it cut short.
/// Such a close — of the whole connection, or of its output (Hummingbird's answer to a client that half-closed
/// its side, which NIO then turns into a whole close that drops the buffer too) — waits here until NIO's buffer is
/// empty (the kernel delivers what it holds after a close), the client stalls as above, or `forceCloseAt` — the
/// end of a graceful shutdown's `--shutdown-timeout` — passes. Meanwhile nothing more is read from the client: a
/// request sent after the answer would be cut off by the close.
final class AnswerAwareCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny

    let timeout: TimeAmount
    /// Bytes written to the channel and not yet taken by its socket (nil where the channel cannot say).
    private let bufferedBytes: (Channel) -> Int?
    /// When a waiting close goes ahead whatever is left unsent (nil: no such deadline).
    private let forceCloseAt: () -> NIODeadline?
    private var context: ChannelHandlerContext?
    private var scheduled: Scheduled<Void>?
    /// What the running checks last saw: the buffered bytes, and when the socket last took some.
    private var watched: (buffered: Int?, progressAt: NIODeadline)?
    /// A close asked for while the answer was still buffered: the widest mode asked for (`.all` over `.output`)
    /// and the promises, completed when it is done.
    private var waitingClose: (mode: CloseMode, promises: [EventLoopPromise<Void>])?

    /// How often a waiting close looks whether the buffer is empty.
    static let drainCheckInterval: TimeAmount = .milliseconds(50)

    init(
        timeout: TimeAmount, bufferedBytes: @escaping (Channel) -> Int? = AnswerAwareCloser.bufferedBytes,
        forceCloseAt: @escaping () -> NIODeadline? = { nil }
    ) {
        self.timeout = timeout
        self.bufferedBytes = bufferedBytes
        self.forceCloseAt = forceCloseAt
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if !context.channel.isWritable { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        closeNow(context)
        self.context = nil
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && waitingClose == nil { disarm() } else { arm(context) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        // Closed from the other side meanwhile: what the waiting close asked for is done.
        if let waiting = waitingClose {
            waitingClose = nil
            waiting.promises.forEach { $0.succeed() }
        }
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if waitingClose == nil { context.read() }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode != .input, context.channel.isActive, (bufferedBytes(context.channel) ?? 0) > 0 else {
            context.close(mode: mode, promise: promise)
            return
        }
        let widest = waitingClose?.mode == .all || mode == .all ? CloseMode.all : .output
        waitingClose = (widest, (waitingClose?.promises ?? []) + (promise.map { [$0] } ?? []))
        // From now on the checks run at the drain interval; a stall already being watched keeps its start.
        let channel = context.channel
        let seen = watched
        disarm()
        schedule(channel, buffered: seen?.buffered ?? bufferedBytes(channel), progressAt: seen?.progressAt ?? channel.eventLoop.now)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard scheduled == nil else { return }
        let channel = context.channel
        schedule(channel, buffered: bufferedBytes(channel), progressAt: channel.eventLoop.now)
    }

    /// Checks (every quarter of `timeout`, or `drainCheckInterval` while a close waits) whether the socket took
    /// some of the outbound buffer (it shrank below `buffered`); closes once it has taken nothing since
    /// `progressAt` for `timeout`, and lets a waiting close go ahead once the buffer is empty.
    private func schedule(_ channel: Channel, buffered: Int?, progressAt: NIODeadline) {
        let handler = NIOLoopBound(self, eventLoop: channel.eventLoop)
        let interval = waitingClose == nil ? Self.checkInterval(timeout) : min(Self.checkInterval(timeout), Self.drainCheckInterval)
        watched = (buffered, progressAt)
        scheduled = channel.eventLoop.scheduleTask(in: interval) {
            let closer = handler.value
            closer.scheduled = nil
            closer.watched = nil
            guard let context = closer.context else { return }
            let now = channel.eventLoop.now
            let current = closer.bufferedBytes(channel)
            if closer.waitingClose != nil {
                if (current ?? 0) == 0 || closer.forceCloseAt().map({ now >= $0 }) == true {
                    return closer.closeNow(context)
                }
            } else if channel.isWritable {
                return
            }
            if let buffered, let current, current < buffered {
                closer.schedule(channel, buffered: current, progressAt: now)
            } else if now - progressAt >= closer.timeout {
                closer.waitingClose = (.all, closer.waitingClose?.promises ?? [])
                closer.closeNow(context)
            } else {
                closer.schedule(channel, buffered: buffered, progressAt: progressAt)
            }
        }
    }

    /// Does the waiting close (none waiting: nothing) and completes its promises.
    private func closeNow(_ context: ChannelHandlerContext) {
        guard let waiting = waitingClose else { return }
        waitingClose = nil
        disarm()
        let done = context.eventLoop.makePromise(of: Void.self)
        waiting.promises.forEach { done.futureResult.cascade(to: $0) }
        context.close(mode: waiting.mode, promise: done)
        context.read()  // reading was held back while the close waited; a half-close leaves input to read
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
        watched = nil
    }
}
