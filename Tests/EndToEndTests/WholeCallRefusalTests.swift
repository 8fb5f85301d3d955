@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

/// A WriteRecords call that Timestream refuses whole (ValidationException: none of its records is stored) next to
/// one it accepts, through the built `bootstrap` against the Timestream double's write rules
/// (Tests/oracles/timestream_standin.py, `timestream_write_rules.py`): status, body, `*-Written` headers, log line
/// and EMF all say exactly what was and was not stored.
@Suite(.serialized) struct WholeCallRefusalTests {
    static let secret = "secret"

    /// The Timestream double and `bootstrap` in front of it, after one sample of measure `name` was written.
    static func tableWithMeasure(_ name: String) throws -> (OracleServer, FunctionHarness) {
        let double = try OracleServer("timestream_standin.py", [Self.secret])
        var function: FunctionHarness? = nil
        do {
            function = try FunctionHarness(environment: [
                "default_database": "db", "default_table": "tbl", "region": "us-east-1", "AWS_ENDPOINT_URL": double.url
            ])
            let first = try function!.invoke(event: try EventBuilder.event([
                "basic_auth": ["AKIDEXAMPLE", Self.secret],
                "write_v2": ["timeseries": [EventBuilder.series([("__name__", name), ("job", "a")], [(1, 1_700_000_000_000)])]],
            ]))
            #expect(first.statusCode == 204, "\(first.httpBodyText)")
            return (double, function!)
        } catch {
            function?.stop()
            double.stop()
            throw error
        }
    }

    /// The table has a measure `m2`; the second call's 100 records all have a dimension `m2`, which Timestream
    /// refuses whole ("cannot be both a dimension and a measure name"). Its halves and quarters are refused too, so
    /// the refusal is the call's: nothing more is sent for it and exactly its 100 samples are reported as not written.
    @Test func theAnswersCountsAreTrueWhenOneCallIsRefusedWhole() throws {
        let (double, function) = try Self.tableWithMeasure("m2")
        defer { double.stop(); function.stop() }
        let http = try HTTPClientForTests()
        // 100 samples of each series: two calls of 100 records each, so the refusal costs exactly 100.
        let samples = (0..<100).map { (Double($0), 1_700_000_000_000 + Int64($0)) }
        let answer = try function.invoke(event: try EventBuilder.event([
            "basic_auth": ["AKIDEXAMPLE", Self.secret],
            "write_v2": ["timeseries": [
                EventBuilder.series([("__name__", "m"), ("job", "a")], samples),
                EventBuilder.series([("__name__", "n"), ("m2", "x")], samples),
            ]],
        ]))
        #expect(answer.statusCode == 400, "\(answer.httpBodyText)")
        let body = answer.httpBodyText
        #expect(body.contains("Timestream refused 1 of 2 WriteRecords calls whole (ValidationException"), "\(body)")
        #expect(body.contains("100 of 200 samples were written; not written: 100 in calls Timestream refused whole"), "\(body)")
        #expect(!body.contains("other samples"), "\(body)")
        #expect(answer.headers["x-prometheus-remote-write-samples-written"] == "100", "\(answer.headers)")
        #expect(answer.headers["x-prometheus-remote-write-histograms-written"] == "0")
        let log = function.log
        #expect(log.contains("status=400"), "\(log)")
        #expect(log.contains("samples_received=200 samples_written=100 samples_skipped=0"), "\(log)")
        #expect(log.contains("samples_failed=100"), "\(log)")
        #expect(log.contains("\"SamplesWritten\":100") && log.contains("\"SamplesFailed\":100"), "\(log)")
        // The double saw the first request's call, then both calls of 100 records and the refused one's halves,
        // quarters and the quarters' middle records alone.
        let calls = try http.get(double.url + "/_requests").filter { ($0["target"] as? String ?? "").hasSuffix(".WriteRecords") }
        #expect(calls.count == 13, "\(calls.count) WriteRecords calls (1 + 2 + 2 + 4 + 4)")
    }

    /// One series of a call refused for itself: the other 99 records of the call are stored, the answer names it.
    @Test func theOthersOfTheCallAreStoredWhenOneSeriesIsRefused() throws {
        let (double, function) = try Self.tableWithMeasure("up")
        defer { double.stop(); function.stop() }
        var series = (0..<99).map { EventBuilder.series([("__name__", "good"), ("i", "\($0)")], [(Double($0), 1_700_000_000_000)]) }
        series.insert(EventBuilder.series([("__name__", "node_x"), ("up", "1")], [(7, 1_700_000_000_000)]), at: 40)
        let answer = try function.invoke(event: try EventBuilder.event([
            "basic_auth": ["AKIDEXAMPLE", Self.secret], "write_v2": ["timeseries": series],
        ]))
        let body = answer.httpBodyText
        #expect(answer.statusCode == 400, "\(body)")
        #expect(body.contains(#"(node_x{up="1"} 7.0 1700000000000): refused alone (ValidationException"#), "\(body)")
        #expect(body.contains("99 of 100 samples were written; not written: 1 rejected by Timestream"), "\(body)")
        #expect(answer.headers["x-prometheus-remote-write-samples-written"] == "99", "\(answer.headers)")
    }

    /// A sample from before 1970 (Prometheus allows negative times; Timestream refuses the call holding one,
    /// "Invalid time for record.", as the double does): never sent, its neighbours stored in one call, a 400 naming it.
    @Test func aSampleBefore1970IsNotSentAndItsNeighboursAreStored() throws {
        let (double, function) = try Self.tableWithMeasure("up")
        defer { double.stop(); function.stop() }
        var series = (0..<99).map { EventBuilder.series([("__name__", "good"), ("i", "\($0)")], [(Double($0), 1_700_000_000_000)]) }
        series.insert(EventBuilder.series([("__name__", "old"), ("i", "x")], [(3, -86_400_000)]), at: 70)
        let answer = try function.invoke(event: try EventBuilder.event([
            "basic_auth": ["AKIDEXAMPLE", Self.secret], "write_v2": ["timeseries": series],
        ]))
        let body = answer.httpBodyText
        #expect(answer.statusCode == 400, "\(body)")
        #expect(body.contains(#"old{i="x"}: has samples before 1970 (negative timestamps), which Timestream cannot store"#), "\(body)")
        #expect(answer.headers["x-prometheus-remote-write-samples-written"] == "99", "\(answer.headers)")
        #expect(function.log.contains("skipped_time_before_1970=1"), "\(function.log)")
        let calls = try HTTPClientForTests().get(double.url + "/_requests")
            .filter { ($0["target"] as? String ?? "").hasSuffix(".WriteRecords") }
        #expect(calls.count == 2, "\(calls.count) WriteRecords calls (the table's first request's, then this one's)")
    }
}

/// A small JSON client for the scripted double's control endpoints.
struct HTTPClientForTests {
    let client: HTTPClient

    init() throws { client = try HTTPClient() }

    func post(_ url: String, _ document: [String: Any]) throws {
        let response = try client.send(
            HTTPRequest(
                method: "POST", url: url, headers: [(name: "Content-Type", value: "application/json")],
                body: Array(JSONSerialization.data(withJSONObject: document)), timeoutMilliseconds: 5000)
        ).get()
        try #require(response.status == 200)
    }

    func get(_ url: String) throws -> [[String: Any]] {
        let response = try client.send(HTTPRequest(method: "GET", url: url, timeoutMilliseconds: 5000)).get()
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] ?? []
    }
}
