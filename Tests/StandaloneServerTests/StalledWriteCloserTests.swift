import NIOCore
import NIOEmbedded
import Testing

@testable import StandaloneServer

/// A connection whose client stops reading is closed after the timeout; one that drains in time is not.
@Suite struct StalledWriteCloserTests {
    func channel() throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: StalledWriteCloser(timeout: .seconds(60)), loop: loop)
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
        final class Buffered { var bytes = 4_000_000 }
        let buffered = Buffered()
        let channel = EmbeddedChannel(
            handler: StalledWriteCloser(timeout: .seconds(60), bufferedBytes: { _ in buffered.bytes }),
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
        final class Buffered { var bytes = 4_000_000 }
        let buffered = Buffered()
        let channel = EmbeddedChannel(
            handler: StalledWriteCloser(timeout: .seconds(60), bufferedBytes: { _ in buffered.bytes }), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9201)).wait()
        stall(channel, writable: false)
        loop.advanceTime(by: .seconds(1))
        buffered.bytes -= 100_000  // taken at 1 s, seen at the 15 s check; nothing after
        loop.advanceTime(by: .seconds(70))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(5))
        #expect(!channel.isActive)
    }
}
