import Foundation
import TestSupport
import Testing

/// Lambda Managed Instances: `bootstrap` with `AWS_LAMBDA_MAX_CONCURRENCY` under the Runtime API stand-in, which
/// hands out that many invocations at once (`--max-concurrency`). Overlap is read from the stand-in's in-flight
/// intervals (`next` answered → answer received), never from a clock in the test.
@Suite(.serialized) struct ConcurrentInvocationsTests {
    /// `count` writes of `samples` samples each, every write with its own series (so every sample is a record).
    static func writes(_ count: Int, samples: Int, metric: String = "mi_metric") throws -> [[UInt8]] {
        try (0..<count).map { write in
            let series = (0..<samples).map { i in
                EventBuilder.series(
                    [("__name__", "\(metric)_\(i % 20)"), ("instance", "host-\(write):9100"), ("job", "node"), ("cpu", String(i))],
                    [(Double(write * samples + i), 1_700_000_000_000)])
            }
            return try EventBuilder.event(["basic_auth": ["AK", "SK"], "write": ["timeseries": series]])
        }
    }

    /// `bootstrap` with `AWS_LAMBDA_MAX_CONCURRENCY=loops` against the SQL stand-in, whose Timestream calls are
    /// slowed down so that every invocation stays in flight until all of them have been handed out.
    static func managedInstance(loops: Int) throws -> (SQLStandIn, FunctionHarness) {
        let standIn = try SQLStandIn()
        var environment = standIn.functionEnvironment
        environment["AWS_LAMBDA_MAX_CONCURRENCY"] = String(loops)
        let function = try FunctionHarness(environment: environment, runtimeArguments: ["--max-concurrency", String(loops)])
        try standIn.inject(["delay_ms": 300, "delay_calls": 100_000])
        return (standIn, function)
    }

    /// The function's log line for `requestID`'s invocation.
    static func invocationLine(_ log: String, _ requestID: String) -> String? {
        log.split(separator: "\n").first { $0.contains("msg=invocation") && $0.contains("request_id=\(requestID)") }
            .map(String.init)
    }

    @Test func eightConcurrent2000SampleWritesAreInFlightTogetherAndAllStored() throws {
        let (standIn, function) = try Self.managedInstance(loops: 8)
        defer { function.stop() }
        let events = try Self.writes(8, samples: 2000)

        let ids = try events.map { try function.enqueue(event: $0) }
        let answers = try function.answers(for: ids)

        // Each answer came back on its own invocation id, as that invocation's 204.
        #expect(Set(answers.map(\.requestID)) == Set(ids))
        for answer in answers {
            #expect(answer.outcome == "response" && answer.statusCode == 204, "\(answer.requestID): \(answer.httpBodyText)")
        }
        // All eight were in flight at once: the last was handed out before the first was answered.
        let lastDelivered = answers.compactMap(\.deliveredAt).max() ?? .infinity
        let firstAnswered = answers.compactMap(\.answeredAt).min() ?? -.infinity
        #expect(lastDelivered < firstAnswered, "in-flight intervals do not all overlap: \(answers.map { ($0.deliveredAt, $0.answeredAt) })")
        #expect(try function.maxInFlight() == 8)
        // Their Timestream calls overlapped too, over one shared connection pool.
        let control = try standIn.control()
        #expect((control["calls"] as? [String: Int])?["WriteRecords"] == 8 * 20)
        #expect((control["max_in_flight"] as? Int ?? 0) > 20, "\(control)")
        // Every sample stored.
        #expect(try standIn.records().count == 8 * 2000)
        // Each invocation's log line carries its own request id and the trace id the stand-in gave it.
        let log = function.log
        for answer in answers {
            let line = try #require(Self.invocationLine(log, answer.requestID), "\(log)")
            // logfmt quotes the value (it holds `=` and `;`).
            #expect(line.contains("trace_id=\"\(try #require(answer.traceID))\""), "\(line)")
            #expect(line.contains("samples_written=2000"), "\(line)")
            // Its own 20 calls, not the process's 160.
            #expect(line.contains("timestream_calls=20 "), "\(line)")
        }
        #expect(log.contains("loops=8"))
    }

    @Test func aFailingInvocationLeavesTheOthersAlone() throws {
        let (standIn, function) = try Self.managedInstance(loops: 4)
        defer { function.stop() }
        let writes = try Self.writes(2, samples: 500)
        let badBody = try EventBuilder.event(["basic_auth": ["AK", "SK"], "body_base64": Data("not snappy".utf8).base64EncodedString()])
        let notAnEvent = Array(#"{"hello": "not an API Gateway event"}"#.utf8)

        let ids = try [writes[0], notAnEvent, badBody, writes[1]].map { try function.enqueue(event: $0) }
        let answers = try function.answers(for: ids)
        #expect(answers[0].statusCode == 204, "\(answers[0].httpBodyText)")
        #expect(answers[1].outcome == "error" && answers[1].errorType != nil, "\(answers[1])")
        #expect(answers[2].statusCode == 400 && answers[2].httpBodyText.contains("snappy"), "\(answers[2].httpBodyText)")
        #expect(answers[3].statusCode == 204, "\(answers[3].httpBodyText)")
        #expect(try standIn.records().count == 2 * 500)
        // The error and the refusal are logged under their own request ids.
        let log = function.log
        #expect(log.split(separator: "\n").contains { $0.contains("invocation failed") && $0.contains(ids[1]) }, "\(log)")
        #expect(Self.invocationLine(log, ids[2])?.contains("status=400") == true, "\(log)")
        // The process keeps serving on all its loops.
        let more = try Self.writes(4, samples: 10, metric: "mi_more").map { try function.enqueue(event: $0) }
        #expect(try function.answers(for: more).allSatisfy { $0.statusCode == 204 })
        #expect(function.process.isRunning)
    }

    @Test func withoutTheVariableOneLoopServesOneInvocationAtATime() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let ids = try Self.writes(3, samples: 100).map { try function.enqueue(event: $0) }
        let answers = try function.answers(for: ids)
        #expect(answers.allSatisfy { $0.statusCode == 204 })
        #expect(try function.maxInFlight() == 1)
        #expect(function.log.contains("loops=1"))
    }
}
