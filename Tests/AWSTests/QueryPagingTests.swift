@testable import TimestreamCodec
@testable import AWS
@testable import CurlHTTP
import Foundation
import Testing

@Suite struct QueryPagingTests {
    func client(_ transport: ScriptedTransport, _ clock: FakeClock = FakeClock()) -> TimestreamClient {
        TimestreamClient(
            transport: transport, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .fixed("https://w.example"), query: .fixed("https://q.example")),
            clock: clock, jitter: MaxJitter())
    }

    static let columns =
        #""ColumnInfo":[{"Name":"job","Type":{"ScalarType":"VARCHAR"}},{"Name":"v","Type":{"ScalarType":"DOUBLE"}},{"Name":"a","Type":{"ArrayColumnInfo":{"Type":{"ScalarType":"BIGINT"}}}}]"#

    @Test func followsNextTokenThroughEmptyPagesToTheEnd() throws {
        let pages = [
            #"{"QueryId":"q","NextToken":"t1","Rows":[],"ColumnInfo":[]}"#,  // only a token
            #"{"QueryId":"q","NextToken":"t2","Rows":[{"Data":[{"ScalarValue":"node"},{"ScalarValue":"1.5"},{"ArrayValue":[]}]}],\#(Self.columns)}"#,
            #"{"QueryId":"q","NextToken":"t3"}"#,  // no rows, no columns at all
            #"{"QueryId":"q","Rows":[{"Data":[{"ScalarValue":"x'y\"z"},{"NullValue":true},{"ScalarValue":"2"}]}],\#(Self.columns)}"#,
        ]
        let transport = ScriptedTransport { _, index in json(200, pages[index]) }
        var seen: [QueryPage] = []
        let result = client(transport).query(
            "SELECT \"job\" FROM t WHERE x = 'a''b'", credentials: testCredentials,
            deadline: Deadline(epochMilliseconds: .max), maxRows: 1000, onPage: { seen.append($0) })
        try result.get()
        #expect(transport.requests.count == 4)
        let bodies = transport.requests.map { jsonObject($0.body) }
        #expect(bodies.map { $0["NextToken"] as? String } == [nil, "t1", "t2", "t3"])
        #expect(
            bodies.allSatisfy {
                $0["MaxRows"] as? Int == 1000
                    && $0["QueryString"] as? String == "SELECT \"job\" FROM t WHERE x = 'a''b'"
            })
        #expect(
            transport.requests.allSatisfy {
                $0.header("X-Amz-Target") == "Timestream_20181101.Query" && $0.url == "https://q.example/"
            })
        #expect(seen.count == 4)
        #expect(seen[0].rows.isEmpty && seen[2].rows.isEmpty)
        #expect(
            seen[1].columns == [
                ColumnInfo(name: "job", scalarType: "VARCHAR"), ColumnInfo(name: "v", scalarType: "DOUBLE"),
                ColumnInfo(name: "a", scalarType: nil),
            ])
        #expect(seen[1].rows == [[.scalar("node"), .scalar("1.5"), .unsupported]])
        #expect(seen[3].rows == [[.scalar("x'y\"z"), .null, .scalar("2")]])
    }

    @Test func maxRowsLeftOutWhenNil() {
        let transport = ScriptedTransport { _, _ in json(200, #"{"Rows":[]}"#) }
        _ = client(transport).query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max), onPage: { _ in })
        #expect(String(decoding: transport.requests[0].body, as: UTF8.self) == #"{"QueryString":"SELECT 1"}"#)
    }

    @Test func eachPageIsRetriedOnItsOwn() throws {
        let script: [Result<HTTPResponse, TransportError>] = [
            json(200, #"{"NextToken":"a","Rows":[]}"#),
            .failure(.timeout("slow")),
            json(503, "<html>Service Unavailable</html>"),
            json(200, #"{"Rows":[{"Data":[{"ScalarValue":"1"}]}]}"#),
        ]
        let transport = ScriptedTransport { _, index in script[index] }
        let clock = FakeClock()
        var rows = 0
        try client(transport, clock).query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 60_000),
            onPage: { rows += $0.rows.count }
        ).get()
        #expect(rows == 1 && clock.sleeps == [50, 100])
        #expect(transport.requests.dropFirst().allSatisfy { jsonObject($0.body)["NextToken"] as? String == "a" })
    }

    struct Stop: Error {}

    @Test func throwingHandlerAbortsPaging() {
        let transport = ScriptedTransport { _, _ in json(200, #"{"NextToken":"more","Rows":[]}"#) }
        let result = client(transport).query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max),
            onPage: { _ in throw Stop() })
        #expect(transport.requests.count == 1, "no QueryId: nothing to cancel")
        #expect(result.isFailure(code: "Aborted"))
    }

    /// Pages left unread: the query is cancelled (one attempt, its outcome ignored); after the last page, or
    /// without a QueryId, nothing is.
    @Test func anAbandonedQueryIsCancelled() {
        let transport = ScriptedTransport { request, _ in
            request.header("X-Amz-Target") == "Timestream_20181101.CancelQuery"
                ? json(400, #"{"__type":"AccessDeniedException","message":"not allowed"}"#)
                : json(200, #"{"QueryId":"AEBQEANM2BPBXGKC","NextToken":"more","Rows":[]}"#)
        }
        let tally = CallTally()
        let result = client(transport).query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max), tally: tally,
            onPage: { _ in throw Stop() })
        #expect(result.isFailure(code: "Aborted"))
        #expect(transport.requests.map { $0.header("X-Amz-Target") } == ["Timestream_20181101.Query", "Timestream_20181101.CancelQuery"])
        #expect(String(decoding: transport.requests[1].body, as: UTF8.self) == #"{"QueryId":"AEBQEANM2BPBXGKC"}"#)
        #expect(transport.requests[1].url == "https://q.example/")
        #expect(tally.callsSent == 2)
        let last = ScriptedTransport { _, _ in json(200, #"{"QueryId":"Q1","Rows":[]}"#) }
        _ = client(last).query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max),
            onPage: { _ in throw Stop() })
        #expect(last.requests.count == 1, "the last page: the query has completed")
    }

    /// A later page that fails (here throttled past the attempts) leaves the query running: it is cancelled with
    /// the id an earlier page gave; so is one stopped by its deadline, with a short attempt of its own.
    @Test func aQueryStoppedByAFailedPageOrItsDeadlineIsCancelled() {
        let throttled = ScriptedTransport { request, index in
            if request.header("X-Amz-Target") == "Timestream_20181101.CancelQuery" { return json(200, "{}") }
            return index == 0
                ? json(200, #"{"QueryId":"Q7","NextToken":"more","Rows":[]}"#)
                : json(400, #"{"__type":"ThrottlingException","message":"slow down"}"#)
        }
        let result = client(throttled).query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max), maxAttempts: 2,
            onPage: { _ in })
        #expect(result.isFailure(code: "ThrottlingException"))
        #expect(throttled.requests.last?.header("X-Amz-Target") == "Timestream_20181101.CancelQuery")
        #expect(String(decoding: throttled.requests.last?.body ?? [], as: UTF8.self) == #"{"QueryId":"Q7"}"#)
        // The deadline passes while the first page is handled: no second page, but a cancel.
        let clock = FakeClock()
        let late = ScriptedTransport { request, _ in
            request.header("X-Amz-Target") == "Timestream_20181101.CancelQuery"
                ? json(200, "{}") : json(200, #"{"QueryId":"Q8","NextToken":"more","Rows":[]}"#)
        }
        let deadline = Deadline(epochMilliseconds: clock.nowMilliseconds() + 1_000)
        let stopped = client(late, clock).query(
            "SELECT 1", credentials: testCredentials, deadline: deadline, onPage: { _ in clock.now += 2_000 })
        #expect(stopped.isFailure(code: "DeadlineExceeded"))
        #expect(late.requests.map { $0.header("X-Amz-Target") } == ["Timestream_20181101.Query", "Timestream_20181101.CancelQuery"])
    }

    @Test func errorsAndUnreadableBodies() {
        let missing = ScriptedTransport { _, _ in
            json(
                400,
                #"{"__type":"com.amazonaws.timestream.v20181101#ValidationException","message":"Column 'x' does not exist"}"#
            )
        }
        let result = client(missing).query(
            "SELECT x", credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max), onPage: { _ in })
        guard case .failure(let error) = result else { Issue.record("expected failure"); return }
        #expect(
            error.code == "ValidationException" && error.message == "Column 'x' does not exist" && !error.isRetryable)
        let html = ScriptedTransport { _, _ in json(200, "<html>proxy</html>") }
        #expect(
            client(html).query(
                "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max), onPage: { _ in }
            ).isFailure(code: "InvalidResponse"))
    }
}
