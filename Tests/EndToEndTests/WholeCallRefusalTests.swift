@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

/// A WriteRecords call that Timestream refuses whole (ValidationException: none of its records is stored) next to
/// one it accepts, through the built `bootstrap` against the scripted Timestream double
/// (Tests/oracles/timestream_standin.py): status, body, `*-Written` headers, log line and EMF all say exactly what
/// was and was not stored.
@Suite(.serialized) struct WholeCallRefusalTests {
    static let secret = "secret"

    @Test func theAnswersCountsAreTrueWhenOneCallIsRefusedWhole() throws {
        let double = try OracleServer("timestream_standin.py", [Self.secret])
        defer { double.stop() }
        let http = try HTTPClientForTests()
        // The first WriteRecords call to arrive is refused; the second succeeds (empty script).
        try http.post(double.url + "/_script", [
            "WriteRecords": [[
                "status": 400,
                "body": ["__type": "com.amazonaws.timestream.v20181101#ValidationException", "message": "At least one dimension is required for a record."],
            ]],
        ])
        let function = try FunctionHarness(environment: [
            "default_database": "db", "default_table": "tbl", "region": "us-east-1", "AWS_ENDPOINT_URL": double.url
        ])
        defer { function.stop() }
        // 200 samples of one series: two calls of 100 records each, so either call's refusal costs exactly 100.
        let samples = (0..<200).map { (Double($0), 1_700_000_000_000 + Int64($0)) }
        let answer = try function.invoke(event: try EventBuilder.event([
            "basic_auth": ["AKIDEXAMPLE", Self.secret],
            "write_v2": ["timeseries": [EventBuilder.series([("__name__", "m"), ("job", "a")], samples)]],
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
        // The double saw both calls, each of 100 records.
        let calls = try http.get(double.url + "/_requests").filter { ($0["target"] as? String ?? "").hasSuffix(".WriteRecords") }
        #expect(calls.count == 2)
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
