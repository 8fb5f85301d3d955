import NIOCore
import NIOEmbedded
import Testing

@testable import StandaloneServer

/// A connection whose client stops reading is closed after the timeout; one that drains in time is not; a close
/// asked for while the answer is still buffered waits for it to go out.
@Suite struct AnswerAwareCloserTests {
    func channel() throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: AnswerAwareCloser(timeout: .seconds(60)), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9201)).wait()
        return (channel, loop)
    }

    func stall(_ channel: EmbeddedChannel, writable: Bool) {
        channel.isWritable = writable
        channel.pipeline.fireChannelWritabilityChanged()
    }

    @Test func anAnswerNotReadForTheTimeoutClosesTheConnection() throws {
        let (channel, loop) = try channel()
        stall(channel, writable: false)
        loop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    /// A slow reader that keeps draining (the channel writable again in between) starts a new wait each time.
    @Test func aReaderThatDrainsInTimeKeepsTheConnection() throws {
        let (channel, loop) = try channel()
        for _ in 0..<5 {
            stall(channel, writable: false)
            loop.advanceTime(by: .seconds(50))
            stall(channel, writable: true)
            loop.advanceTime(by: .seconds(50))
        }
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    /// A whole answer handed to the channel at once keeps it unwritable until nearly all of it is sent: a client
    /// reading it slowly, the socket taking some of it within each timeout, keeps the connection; once nothing
    /// more is taken for a whole timeout, it is closed.
    @Test func aSlowReaderOfOneLargeWriteKeepsTheConnectionWhileItMakesProgress() throws {
        let loop = EmbeddedEventLoop()
        let buffered = Buffered()
        let channel = EmbeddedChannel(
            handler: AnswerAwareCloser(timeout: .seconds(60), bufferedBytes: { _ in buffered.bytes }),
            loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9201)).wait()
        stall(channel, writable: false)
        // The socket takes 100 KB in the middle of each minute: every check (each minute) finds progress.
        for _ in 0..<5 {
            loop.advanceTime(by: .seconds(30))
            buffered.bytes -= 100_000
            loop.advanceTime(by: .seconds(30))
            #expect(channel.isActive)
        }
        // Nothing taken since the last check: closed at the next one.
        loop.advanceTime(by: .seconds(60))
        #expect(!channel.isActive)
    }

    /// A stall right after some progress is closed within the timeout plus a quarter of it (the checks' period),
    /// not after a second whole timeout.
    @Test func aStallAfterProgressIsClosedWithinATimeoutAndAQuarter() throws {
        let loop = EmbeddedEventLoop()
        let buffered = Buffered()
        let channel = EmbeddedChannel(
            handler: AnswerAwareCloser(timeout: .seconds(60), bufferedBytes: { _ in buffered.bytes }), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9201)).wait()
        stall(channel, writable: false)
        loop.advanceTime(by: .seconds(1))
        buffered.bytes -= 100_000  // taken at 1 s, seen at the 15 s check; nothing after
        loop.advanceTime(by: .seconds(70))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(5))
        #expect(!channel.isActive)
    }

    final class Buffered { var bytes = 4_000_000 }
    /// A close's outcome, set on the embedded loop (the test's own thread).
    final class Outcome: @unchecked Sendable { var result: Result<Void, any Error>? }

    func closer(_ buffered: Buffered, forceCloseAt: @escaping () -> NIODeadline? = { nil }) throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(
            handler: AnswerAwareCloser(timeout: .seconds(60), bufferedBytes: { _ in buffered.bytes }, forceCloseAt: forceCloseAt),
            loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9201)).wait()
        return (channel, loop)
    }

    /// Hummingbird's idle close (or its close after the answer in flight at a shutdown) while a client still reads
    /// a large answer: held back until NIO's buffer is empty, then done, its promise succeeded.
    @Test func aCloseWaitsUntilTheAnswerHasGoneOut() throws {
        let buffered = Buffered()
        let (channel, loop) = try closer(buffered)
        let outcome = Outcome()
        channel.pipeline.close().whenComplete { outcome.result = $0 }
        for _ in 0..<10 {  // a slow reader: 400 KB taken every 10 s, 100 s in all (past the 60 s timeout)
            loop.advanceTime(by: .seconds(10))
            #expect(channel.isActive)
            buffered.bytes -= 400_000
        }
        #expect(buffered.bytes == 0 && outcome.result == nil)
        loop.advanceTime(by: AnswerAwareCloser.drainCheckInterval)
        #expect(!channel.isActive)
        #expect(throws: Never.self) { try #require(outcome.result).get() }
    }

    /// A client that stops reading while a close waits: closed once nothing moved for the timeout.
    @Test func aWaitingCloseGoesAheadWhenTheClientStalls() throws {
        let buffered = Buffered()
        let (channel, loop) = try closer(buffered)
        channel.pipeline.close(promise: nil)
        loop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(1) + AnswerAwareCloser.drainCheckInterval)
        #expect(!channel.isActive)
    }

    /// A graceful shutdown's time is up: a waiting close goes ahead with the answer unsent.
    @Test func aWaitingCloseGoesAheadWhenTheShutdownEnds() throws {
        let buffered = Buffered()
        final class Deadline { var at: NIODeadline? }
        let deadline = Deadline()
        let (channel, loop) = try closer(buffered, forceCloseAt: { deadline.at })
        channel.pipeline.close(promise: nil)
        deadline.at = loop.now + .seconds(5)
        for _ in 0..<4 {  // steady progress: only the deadline closes it
            loop.advanceTime(by: .seconds(1))
            buffered.bytes -= 100_000
        }
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(1) + AnswerAwareCloser.drainCheckInterval)
        #expect(!channel.isActive)
    }

    /// Nothing left to send: a close is done at once.
    @Test func aCloseWithNothingBufferedIsImmediate() throws {
        let buffered = Buffered()
        buffered.bytes = 0
        let (channel, _) = try closer(buffered)
        try channel.pipeline.close().wait()
        #expect(!channel.isActive)
    }

    /// The client goes away while a close waits: the close has happened, its promise succeeds.
    @Test func aWaitingCloseSucceedsWhenTheClientGoesAway() throws {
        let buffered = Buffered()
        let (channel, _) = try closer(buffered)
        let outcome = Outcome()
        channel.pipeline.close().whenComplete { outcome.result = $0 }
        #expect(outcome.result == nil)
        channel.pipeline.fireChannelInactive()
        #expect(throws: Never.self) { try #require(outcome.result).get() }
    }

    /// Hummingbird closes the output once a client half-closed its side (NIO then closes the whole connection,
    /// dropping the buffer): that close waits for the answer too, and goes ahead as an output close.
    @Test func anOutputCloseWaitsUntilTheAnswerHasGoneOut() throws {
        let buffered = Buffered()
        let (channel, loop) = try closer(buffered)
        let outcome = Outcome()
        channel.pipeline.close(mode: .output).whenComplete { outcome.result = $0 }
        loop.advanceTime(by: .seconds(10))
        #expect(outcome.result == nil)
        buffered.bytes = 0
        loop.advanceTime(by: AnswerAwareCloser.drainCheckInterval)
        #expect(outcome.result != nil)  // handed on (the embedded channel itself does not do output closes)
    }

    /// While a close waits, nothing more is read from the client (a next request would be cut off by the close).
    @Test func nothingIsReadWhileACloseWaits() throws {
        final class ReadCounter: ChannelOutboundHandler {
            typealias OutboundIn = NIOAny
            var reads = 0
            func read(context: ChannelHandlerContext) {
                reads += 1
                context.read()
            }
        }
        let buffered = Buffered()
        let counter = ReadCounter()
        let (channel, loop) = try closer(buffered)
        try channel.pipeline.syncOperations.addHandler(counter, position: .first)
        channel.read()
        #expect(counter.reads == 1)
        channel.pipeline.close(promise: nil)
        channel.read()
        #expect(counter.reads == 1)
        buffered.bytes = 0
        loop.advanceTime(by: AnswerAwareCloser.drainCheckInterval)
        #expect(!channel.isActive)
    }

    /// A close asked for while a stall is being watched keeps the stall's start: the client gets no extra timeout.
    @Test func aCloseDuringAStallKeepsItsStart() throws {
        let buffered = Buffered()
        let (channel, loop) = try closer(buffered)
        stall(channel, writable: false)
        loop.advanceTime(by: .seconds(40))
        channel.pipeline.close(promise: nil)
        loop.advanceTime(by: .seconds(20) + AnswerAwareCloser.drainCheckInterval)
        #expect(!channel.isActive)
    }
}
