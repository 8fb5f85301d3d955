@testable import AWS
@testable import Connector
@testable import RemoteStorage
@testable import TimestreamCodec
import Testing

/// Writes through `ConnectorService` over a scripted Timestream.
@Suite struct ServiceWriteTests {
    static let deadline = Deadline(epochMilliseconds: .max)

    /// `count` single-sample series of `up`, one per instance.
    static func request(series count: Int) -> ServiceRequest {
        let write = WriteRequest(
            timeseries: (0..<count).map { index in
                TimeSeries(
                    labels: [Label(name: "__name__", value: "up"), Label(name: "instance", value: "host-\(index)")],
                    samples: [Sample(value: Double(index), timestamp: 1_700_000_000_000)])
            })
        let headers = ScriptedTimestream.basicAuth + [("Content-Encoding", "snappy"), ("Content-Type", "application/x-protobuf")]
        return ServiceRequest(method: "POST", path: "/dev/write", headers: headers, body: Snappy.compress(write.serialized()))
    }

    static func serve(_ timestream: ScriptedTimestream, _ request: ServiceRequest)
        -> (response: ServiceResponse, summary: InvocationSummary)
    {
        ConnectorService(config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { 0 })
            .respond(to: request, deadline: Self.deadline, credentials: .requestHeaders)
    }

    @Test func everythingWrittenIs204InCallsOfAtMost100Records() {
        let timestream = ScriptedTimestream()
        let served = Self.serve(timestream, Self.request(series: 250))
        #expect(served.response.statusCode == 204 && served.response.body.isEmpty)
        #expect(timestream.writes.map(\.recordCount) == [100, 100, 50])
        #expect(served.summary.samplesWritten == 250 && served.summary.timestreamCalls == 3)
    }

    @Test(arguments: [
        ("ThrottlingException", 429, 503), ("InternalServerException", 500, 503), ("AccessDeniedException", 403, 403),
        ("ResourceNotFoundException", 404, 500), ("ValidationException", 400, 400),
    ])
    func timestreamErrorClassesMapToStatuses(code: String, httpStatus: Int, expected: Int) {
        let error = TimestreamError.classified(code: code, message: "scripted", httpStatus: httpStatus)
        let timestream = ScriptedTimestream(writeResults: [.success(()), .failure(error)])
        // A refusal of the call's own (every part of it refused too: RefusedCallIsolation stops at the halves).
        if code == "ValidationException" { timestream.writeRule = { _ in .failure(error) } }
        let served = Self.serve(timestream, Self.request(series: 150))
        #expect(served.response.statusCode == expected)
        #expect(served.response.bodyText.contains(code))
        if expected == 503 { #expect(served.response.headers.contains { $0.name == "Retry-After" && $0.value == "1" }) }
    }

    @Test func partlyRejectedRecordsAre400AndTheRestCountsAsWritten() {
        let rejected = TimestreamError.classified(
            code: "RejectedRecordsException", message: "rejected", httpStatus: 419,
            rejectedRecords: [RejectedRecord(recordIndex: 7, reason: "A record already exists with a different value")])
        let timestream = ScriptedTimestream(writeResults: [.success(()), .failure(rejected)])
        let served = Self.serve(timestream, Self.request(series: 150))
        #expect(served.response.statusCode == 400)
        #expect(served.response.bodyText.contains(#"call 2 of 2, record 7 (up{instance="host-107"} 107.0 1700000000000): A record already exists"#))
        #expect(served.summary.samplesRejected == 1 && served.summary.samplesWritten == 149)
    }

    @Test func aBodyThatIsNotSnappyIs400WithoutACall() {
        let timestream = ScriptedTimestream()
        var request = Self.request(series: 1)
        request.body = Array("not snappy".utf8)
        let served = Self.serve(timestream, request)
        #expect(served.response.statusCode == 400 && served.response.bodyText.contains("snappy"))
        #expect(timestream.writes.isEmpty && served.summary.route == "write")
    }
}
