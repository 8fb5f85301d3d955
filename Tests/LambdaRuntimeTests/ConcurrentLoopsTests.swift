import CurlHTTP
import Foundation
import Synchronization
import Testing

@testable import LambdaRuntime

@Suite struct ConcurrentLoopsTests {
    @Test func concurrencyComesFromTheVariable() {
        #expect(invocationConcurrency([:]) == 1)
        #expect(invocationConcurrency(["AWS_LAMBDA_MAX_CONCURRENCY": "1"]) == 1)
        #expect(invocationConcurrency(["AWS_LAMBDA_MAX_CONCURRENCY": "16"]) == 16)
        #expect(invocationConcurrency(["AWS_LAMBDA_MAX_CONCURRENCY": " 8 "]) == 8)
        #expect(invocationConcurrency(["AWS_LAMBDA_MAX_CONCURRENCY": "0"]) == nil)
        #expect(invocationConcurrency(["AWS_LAMBDA_MAX_CONCURRENCY": "-2"]) == nil)
        #expect(invocationConcurrency(["AWS_LAMBDA_MAX_CONCURRENCY": "eight"]) == nil)
    }

    /// Four loops, four queued events: the handler holds each invocation until all four are inside it at once
    /// (so a 200 for each proves they ran side by side, with no clock), answers with what its own context says,
    /// and never sees `_X_AMZN_TRACE_ID`. The loops end when the stand-in answers `next` with 410.
    @Test func fourLoopsServeFourInvocationsAtOnceEachWithItsOwnContext() throws {
        let standin = try Standin(["--max-concurrency", "4"])
        let ids = try (0..<4).map { i in
            try standin.enqueue(["payload": "event \(i)", "traceId": "Root=1-00000000-00000000000000000000000\(i);Sampled=1"])
        }
        let seen = Seen()
        let error = #expect(throws: RuntimeError.self) {
            try runLoops(count: 4, client: standin.client) { context, payload in
                seen.inside.add(1, ordering: .sequentiallyConsistent)
                // (Other suites' single loops may set the variable meanwhile; only these invocations' ids count.)
                if let value = getenv("_X_AMZN_TRACE_ID"), String(cString: value).hasPrefix("Root=1-00000000-") {
                    seen.traceVariable.store(true, ordering: .sequentiallyConsistent)
                }
                // A barrier: wait (up to 60 s) until all four invocations are in a handler.
                var waits = 0
                while seen.inside.load(ordering: .sequentiallyConsistent) < 4 && waits < 6000 {
                    usleep(10_000)
                    waits += 1
                }
                guard seen.inside.load(ordering: .sequentiallyConsistent) >= 4 else { throw BarrierNotMet() }
                return Array("\(context.requestID) \(context.traceID ?? "-") ".utf8) + payload
            }
        }
        #expect(error?.code == .unexpectedStatus(410))

        let records = try standin.records()
        #expect(Set(records.invocations.map(\.requestId)) == Set(ids))
        for record in records.invocations {
            #expect(record.outcome == "response", "\(record)")
            // The answer names its own request id and trace id, and carries its own event.
            let index = try #require(ids.firstIndex(of: record.requestId))
            #expect(
                record.body == "\(record.requestId) Root=1-00000000-00000000000000000000000\(index);Sampled=1 event \(index)")
        }
        let traceVariableSeen = seen.traceVariable.load(ordering: .sequentiallyConsistent)
        #expect(!traceVariableSeen)
    }
}

private struct BarrierNotMet: Error {}

private final class Seen: Sendable {
    let inside = Atomic(0)
    let traceVariable = Atomic(false)
}
