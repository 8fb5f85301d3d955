import AWS
@testable import Connector
import Foundation
import RemoteStorage
import Synchronization
import Testing

@testable import StandaloneServer

/// The bridge between the worker thread that produces an answer and the task that writes it: order, a bounded
/// queue (the producer waits for the reader), abort, a reader that goes away, a reader too slow for the deadline,
/// and when each kind of head is handed over.
@Suite struct ResponseStreamTests {
    /// A STREAMED_XOR_CHUNKS head: handed over as soon as it starts, parts follow.
    static let head = ServiceResponse(
        statusCode: 200, headers: [(name: "Content-Type", value: StreamedChunks.contentType)], body: .bytes(Array("first".utf8)))
    static let never = Deadline(epochMilliseconds: .max)

    /// Runs `body` on a thread of its own (the worker thread), counting the parts it got rid of.
    static func produce(_ stream: ResponseStream, parts: Int, then end: @escaping @Sendable (ResponseStream) -> Void = { $0.finish(summary: summary) })
        -> (sent: Arc<Int>, failure: Arc<String?>)
    {
        let sent = Arc(0), failure = Arc<String?>(nil)
        Thread.detachNewThread {
            do {
                try stream.start(head)
                for i in 0..<parts {
                    try stream.send([UInt8(i)])
                    sent.set(i + 1)
                }
                end(stream)
            } catch {
                failure.set("\(error)")
                stream.finish(summary: summary)
            }
        }
        return (sent, failure)
    }

    static let summary = InvocationSummary(requestID: "r-1", route: "read", status: 200)

    /// Polls `condition` until it holds (or records a failure after 30 s: a producer thread that never ran).
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<3000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition(), "the producer never got that far")
    }

    final class Arc<T: Sendable>: Sendable {
        private let value: Mutex<T>
        init(_ value: T) { self.value = Mutex(value) }
        var get: T { value.withLock { $0 } }
        func set(_ new: T) { value.withLock { $0 = new } }
    }

    @Test func partsArriveInOrderAndTheProducerWaitsForTheReader() async throws {
        let stream = ResponseStream(capacity: 2, deadline: Self.never)
        let (sent, _) = Self.produce(stream, parts: 10)
        #expect(await stream.head()?.bodyText == "first")
        // Nobody reads yet: the producer fills the queue (2 parts), then its third send waits.
        try await Self.waitUntil { sent.get == 2 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(sent.get == 2)
        var received: [UInt8] = []
        while let part = try await stream.next() { received += part }
        #expect(received == Array(0..<10) && sent.get == 10)
    }

    /// Large parts (a long series' frame) queue by bytes: past `maxQueuedBytes` beyond the first, the producer
    /// waits, however few parts are queued.
    @Test func largePartsAreBoundedByBytesNotCount() async throws {
        let stream = ResponseStream(capacity: 4, maxQueuedBytes: 100, deadline: Self.never)
        let sent = Arc(0)
        Thread.detachNewThread {
            try? stream.start(Self.head)
            for i in 0..<4 {
                try? stream.send([UInt8](repeating: UInt8(i), count: 60))
                sent.set(i + 1)
            }
            stream.finish(summary: Self.summary)
        }
        #expect(await stream.head()?.bodyText == "first")
        // One 60-byte part queued; a second would make 120 > 100: its send waits.
        try await Self.waitUntil { sent.get == 1 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(sent.get == 1)
        var received = 0
        while let part = try await stream.next() { received += part.count }
        #expect(received == 240 && sent.get == 4)
    }

    @Test func anAbortEndsTheReadWithAnErrorAfterTheQueuedParts() async throws {
        let stream = ResponseStream(capacity: 4, deadline: Self.never)
        _ = Self.produce(stream, parts: 3) { $0.abort(.text(503, "Timestream failed")) }
        _ = await stream.head()
        var received: [UInt8] = []
        await #expect(throws: ResponseStream.Aborted.self) {
            while let part = try await stream.next() { received += part }
        }
        #expect(received == [0, 1, 2])
    }

    /// After an abort the reader breaks the response off and logs the request with what the service reports when it
    /// returns from the failed read (its 5xx and calls), not with the 200 of the head that went out.
    @Test func theSummaryAfterAnAbortIsTheOneTheServiceReturnsWith() async throws {
        let stream = ResponseStream(capacity: 4, deadline: Self.never)
        let returns = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? stream.start(Self.head)
            stream.abort(.text(503, "Timestream failed"))
            returns.wait()  // the service on its way back: the read handler, the worker giving the service back
            var summary = InvocationSummary(requestID: "r-3", route: "read", status: 503)
            summary.aborted = true
            summary.timestreamCalls = 7
            stream.finish(summary: summary)
        }
        _ = await stream.head()
        await #expect(throws: ResponseStream.Aborted.self) { while try await stream.next() != nil {} }
        stream.cancel()
        // The service is still on its way back when the reader asks (it returns 0.3 s later).
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.3)
            returns.signal()
        }
        let summary = await stream.outcome()
        #expect(summary?.status == 503 && summary?.aborted == true && summary?.timestreamCalls == 7)
    }

    @Test func aReaderThatGoesAwayStopsTheProducer() async throws {
        let stream = ResponseStream(capacity: 1, deadline: Self.never)
        let (_, failure) = Self.produce(stream, parts: 100)
        _ = await stream.head()
        _ = try await stream.next()
        stream.cancel()
        for _ in 0..<100 where failure.get == nil { try await Task.sleep(for: .milliseconds(50)) }
        #expect(failure.get?.contains("ClientGone") == true)
    }

    @Test func aProducerWaitsNoLongerThanTheDeadline() async throws {
        let stream = ResponseStream(capacity: 1, deadline: Deadline(epochMilliseconds: SystemClock().nowMilliseconds() + 200))
        let (sent, failure) = Self.produce(stream, parts: 5)
        _ = await stream.head()  // and then never read
        for _ in 0..<100 where failure.get == nil { try await Task.sleep(for: .milliseconds(50)) }
        #expect(failure.get?.contains("ClientGone") == true && sent.get == 1)
    }

    /// A whole answer (a write's) is handed over once with its summary, when the service has returned, not when it
    /// started: the connection's task wakes once.
    @Test func aWholeAnswerIsHandedOverWithItsSummaryWhenTheServiceReturns() async throws {
        let stream = ResponseStream(deadline: Self.never)
        let returned = Arc(false)
        Thread.detachNewThread {
            try? stream.start(.noContent)
            Thread.sleep(forTimeInterval: 0.3)
            returned.set(true)
            stream.finish(summary: InvocationSummary(requestID: "r-2", route: "write", status: 204))
        }
        let head = await stream.head()
        #expect(returned.get, "the head came before the service returned")
        #expect(head?.statusCode == 204)
        #expect(await stream.outcome()?.requestID == "r-2")
        #expect(try await stream.next() == nil)
    }

    /// A streamed head comes at once; the summary waits for the service's return.
    @Test func aStreamedHeadComesAtOnceAndTheSummaryWhenTheServiceReturns() async throws {
        let stream = ResponseStream(capacity: 4, deadline: Self.never)
        let release = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? stream.start(Self.head)
            try? stream.send([7])
            release.wait()
            stream.finish(summary: Self.summary)
        }
        #expect(await stream.head()?.bodyText == "first")
        #expect(try await stream.next() == [7])
        release.signal()
        #expect(await stream.outcome()?.requestID == "r-1")
        #expect(try await stream.next() == nil)
    }

    /// The service never ran (the pool is stopping): no head, no summary.
    @Test func aServiceThatNeverRanLeavesNoHead() async {
        let stream = ResponseStream(deadline: Self.never)
        stream.finish(summary: nil)
        #expect(await stream.head() == nil)
        #expect(await stream.outcome() == nil)
    }
}
