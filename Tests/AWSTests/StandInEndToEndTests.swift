@testable import TimestreamCodec
@testable import AWS
@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

/// The client over the real libcurl `HTTPClient` against Tests/oracles/timestream_standin.py, which checks every
/// signature with botocore and plays what moto cannot: RejectedRecords, throttling, empty pages, endpoint
/// discovery with cache periods and 421, slow answers.
@Suite struct StandInEndToEndTests {
    static let secret = "stand-in/secret+key"
    static let credentials = Credentials(accessKeyID: "AKIDSTANDIN", secretAccessKey: secret, sessionToken: "tok/en==")

    let http: HTTPClient
    let server: OracleServer

    init() throws {
        http = try HTTPClient()
        server = try OracleServer("timestream_standin.py", [Self.secret])
    }

    func script(_ document: [String: Any]) throws {
        let response = try http.send(
            HTTPRequest(
                method: "POST", url: server.url + "/_script",
                headers: [(name: "Content-Type", value: "application/json")],
                body: Array(JSONSerialization.data(withJSONObject: document)))
        ).get()
        try #require(response.status == 200)
    }

    /// Calls the stand-in received: (operation, body, start, end).
    func received() throws -> [(operation: String, body: [String: Any], start: Double, end: Double)] {
        let response = try http.send(HTTPRequest(method: "GET", url: server.url + "/_requests")).get()
        let list = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
        return list.map {
            let target = $0["target"] as? String ?? ""
            let body =
                (try? JSONSerialization.jsonObject(with: Data(($0["body"] as? String ?? "").utf8))) as? [String: Any]
            return (
                String(target.split(separator: ".").last ?? ""), body ?? [:], $0["start"] as? Double ?? 0,
                $0["end"] as? Double ?? 0
            )
        }
    }

    func client(
        _ endpoints: EndpointConfiguration? = nil, clock: some RetryClock = SystemClock(),
        policy: RetryPolicy = RetryPolicy(baseDelayMilliseconds: 5)
    ) -> TimestreamClient {
        TimestreamClient(
            transport: http, region: "us-east-1",
            endpoints: endpoints ?? EndpointConfiguration(write: .fixed(server.url), query: .fixed(server.url)),
            clock: clock, retryPolicy: policy)
    }

    var deadline: Deadline { Deadline(epochMilliseconds: SystemClock().nowMilliseconds() + 20_000) }

    func write(_ tables: [String], records: Int = 2) -> [WriteRecordsRequest] {
        tables.map { table in
            WriteRecordsRequest(
                databaseName: "db", tableName: table, commonAttributes: CommonAttributes(measureValueType: "DOUBLE"),
                records: (0..<records).map {
                    Record(
                        dimensions: [Dimension(name: "i", value: "\($0)")], measureName: "m", measureValue: "1",
                        time: "\($0)")
                })
        }
    }

    @Test func signaturesAreCheckedByTheStandIn() throws {
        var wrong = Self.credentials
        wrong.secretAccessKey = "other"
        let refused = client().writeRecords(write(["t"]), credentials: wrong, deadline: deadline)
        guard case .failure(let error) = refused[0] else { Issue.record("stand-in accepted a bad signature"); return }
        #expect(error.code == "InvalidSignatureException" && error.isAuthFailure && error.httpStatus == 403)
        try client().writeRecords(write(["t"]), credentials: Self.credentials, deadline: deadline)[0].get()
    }

    @Test func rejectedRecordsAreTyped() throws {
        try script([
            "WriteRecords": [
                [
                    "status": 419,
                    "body": [
                        "__type": "com.amazonaws.timestream.v20181101#RejectedRecordsException",
                        "message": "One or more records have been rejected.",
                        "RejectedRecords": [
                            ["RecordIndex": 1, "Reason": "Duplicate record with different value", "ExistingVersion": 2]
                        ],
                    ],
                ]
            ]
        ])
        let results = client().writeRecords(write(["t"]), credentials: Self.credentials, deadline: deadline)
        guard case .failure(let error) = results[0] else { Issue.record("expected RejectedRecords"); return }
        #expect(error.code == "RejectedRecordsException" && error.httpStatus == 419 && !error.isRetryable)
        #expect(
            error.rejectedRecords == [
                RejectedRecord(recordIndex: 1, reason: "Duplicate record with different value", existingVersion: 2)
            ])
        #expect(try received().count == 1)
    }

    @Test func throttlingThenSuccess() throws {
        let throttle: [String: Any] = [
            "status": 400,
            "body": ["__type": "com.amazonaws.timestream.v20181101#ThrottlingException", "message": "Rate exceeded"],
        ]
        try script(["WriteRecords": [throttle, ["status": 500, "body": "<html>oops</html>"], throttle]])
        try client().writeRecords(write(["t"]), credentials: Self.credentials, deadline: deadline, maxAttempts: 5)[0]
            .get()
        #expect(try received().map(\.operation) == ["WriteRecords", "WriteRecords", "WriteRecords", "WriteRecords"])
    }

    @Test func pagingThroughAnEmptyFirstPage() throws {
        try script([
            "Query": [
                ["status": 200, "body": ["QueryId": "q", "NextToken": "n1", "Rows": [], "ColumnInfo": []]],
                [
                    "status": 200,
                    "body": [
                        "QueryId": "q", "NextToken": "n2", "Rows": [["Data": [["ScalarValue": "1"]]]],
                        "ColumnInfo": [["Name": "x", "Type": ["ScalarType": "BIGINT"]]],
                    ],
                ],
                [
                    "status": 200,
                    "body": [
                        "QueryId": "q", "Rows": [["Data": [["ScalarValue": "2"]]]],
                        "ColumnInfo": [["Name": "x", "Type": ["ScalarType": "BIGINT"]]],
                    ],
                ],
            ]
        ])
        var values: [Datum] = []
        try client().query(
            "SELECT x", credentials: Self.credentials, deadline: deadline, maxRows: 1,
            onPage: { values += $0.rows.flatMap { $0 } }
        ).get()
        #expect(values == [.scalar("1"), .scalar("2")])
        let calls = try received()
        #expect(calls.map { $0.body["NextToken"] as? String } == [nil, "n1", "n2"])
        #expect(calls.allSatisfy { $0.body["MaxRows"] as? Int == 1 && $0.body["QueryString"] as? String == "SELECT x" })
    }

    @Test func discoveryCachePeriodAnd421() throws {
        try script(["cache_minutes": 2])
        let clock = FakeClock(now: SystemClock().nowMilliseconds())
        let discovering = client(
            EndpointConfiguration(write: .discoverAt(server.url), query: .discoverAt(server.url)), clock: clock)
        let farDeadline = Deadline(epochMilliseconds: clock.now + 3_600_000)
        for _ in 0..<3 {
            try discovering.writeRecords(write(["t"]), credentials: Self.credentials, deadline: farDeadline)[0].get()
        }
        #expect(
            try received().map(\.operation) == ["DescribeEndpoints", "WriteRecords", "WriteRecords", "WriteRecords"])
        clock.now += 2 * 60_000  // the cache period is over
        try discovering.writeRecords(write(["t"]), credentials: Self.credentials, deadline: farDeadline)[0].get()
        try script([
            "WriteRecords": [
                [
                    "status": 421,
                    "body": [
                        "__type": "com.amazonaws.timestream.v20181101#InvalidEndpointException",
                        "message": "The endpoint is invalid",
                    ],
                ]
            ]
        ])
        try discovering.writeRecords(write(["t"]), credentials: Self.credentials, deadline: farDeadline)[0].get()
        #expect(
            try received().map(\.operation) == [
                "DescribeEndpoints", "WriteRecords", "WriteRecords", "WriteRecords",
                "DescribeEndpoints", "WriteRecords",
                "WriteRecords", "DescribeEndpoints", "WriteRecords",
            ])
        #expect(clock.sleeps.isEmpty)
    }

    /// 10 batches to a stand-in that answers each in 200 ms: they must overlap (by the stand-in's own log).
    @Test func parallelBatchesOverlap() throws {
        let slow: [String: Any] = ["delay_ms": 200]
        try script(["WriteRecords": Array(repeating: slow, count: 10)])
        let tables = (0..<10).map { "t\($0)" }
        let results = client().writeRecords(
            write(tables, records: 100), credentials: Self.credentials, deadline: deadline, maxConcurrent: 10)
        for result in results { try result.get() }
        let calls = try received()
        #expect(Set(calls.compactMap { $0.body["TableName"] as? String }) == Set(tables))
        let latestStart = calls.map(\.start).max()!, earliestEnd = calls.map(\.end).min()!
        #expect(latestStart < earliestEnd)  // every call was in flight at one instant
    }

    /// The client built once and reused (as per cold start) keeps one connection for sequential calls.
    @Test func sequentialCallsReuseOneConnection() throws {
        let reused = client()
        for _ in 0..<5 {
            try reused.writeRecords(write(["t"]), credentials: Self.credentials, deadline: deadline)[0].get()
        }
        try reused.query("SELECT 1", credentials: Self.credentials, deadline: deadline, onPage: { _ in }).get()
        let response = try http.send(HTTPRequest(method: "GET", url: server.url + "/_requests")).get()
        let calls = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
        #expect(calls.count == 6)
        #expect(Set(calls.compactMap { $0["peer"] as? Int }).count == 1)
    }
}
