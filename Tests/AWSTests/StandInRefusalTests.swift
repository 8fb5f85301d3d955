import AWS
import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Timestream's WriteRecords validation, rule by rule, against the stand-ins that accept records: each refusal must
/// come the same way as from Timestream (the whole call with `ValidationException`, or per record with
/// `RejectedRecordsException`), with the same text. Requests are signed by `TimestreamClient` over libcurl.
@Suite struct StandInRefusalTests {
    static let credentials = Credentials(accessKeyID: "AKIDREFUSALS", secretAccessKey: "refusal/secret")

    let http: HTTPClient
    let server: OracleServer

    init() throws {
        http = try HTTPClient()
        server = try OracleServer("timestream_sql_standin.py", ["--database", "db", "--table", "t"])
    }

    static var nowMilliseconds: Int64 { SystemClock().nowMilliseconds() }

    /// One record as JSON: dimensions in order, a DOUBLE measure in milliseconds at `time` (default: now).
    static func record(
        _ dimensions: [(String, String)] = [("host", "a")], measure: String = "m", value: String = "1",
        time: Int64? = nil
    ) -> [String: Any] {
        [
            "Dimensions": dimensions.map { ["Name": $0.0, "Value": $0.1] }, "MeasureName": measure,
            "MeasureValue": value, "MeasureValueType": "DOUBLE", "TimeUnit": "MILLISECONDS",
            "Time": String(time ?? nowMilliseconds),
        ]
    }

    /// Sends one WriteRecords call with `records` (and `common` as CommonAttributes) to table `db`.`t`.
    func write(_ records: [[String: Any]], common: [String: Any]? = nil) throws -> Result<Void, TimestreamError> {
        var body: [String: Any] = ["DatabaseName": "db", "TableName": "t", "Records": records]
        if let common { body["CommonAttributes"] = common }
        let json = [UInt8](try JSONSerialization.data(withJSONObject: body))
        let client = TimestreamClient(
            transport: http, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .fixed(server.url), query: .fixed(server.url)),
            retryPolicy: RetryPolicy(baseDelayMilliseconds: 5))
        return client.writeRecords(
            [WriteRecordsBody(json: json, recordCount: max(1, min(records.count, 100)))],
            credentials: Self.credentials, deadline: Deadline(epochMilliseconds: Self.nowMilliseconds + 20_000),
            maxAttempts: 1)[0]
    }

    /// Records the SQL stand-in stored.
    func stored() throws -> [[String: Any]] {
        let response = try http.send(HTTPRequest(method: "GET", url: server.url + "/records")).get()
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
    }

    /// Expects the whole call refused with HTTP 400 `ValidationException` and `message`, and nothing stored.
    func expectWholeCallRefused(
        _ outcome: Result<Void, TimestreamError>, _ message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        guard case .failure(let error) = outcome else {
            Issue.record("the call was accepted", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == "ValidationException", sourceLocation: sourceLocation)
        #expect(error.httpStatus == 400, sourceLocation: sourceLocation)
        #expect(error.message == message, sourceLocation: sourceLocation)
        #expect(error.rejectedRecords.isEmpty, sourceLocation: sourceLocation)
        #expect(try stored().isEmpty, "a refused call stored records", sourceLocation: sourceLocation)
    }

    @Test func aRecordWithoutDimensionsFailsTheWholeCall() throws {
        let good = Self.record()
        try expectWholeCallRefused(
            write([good, Self.record([])]), "At least one dimension is required for a record.")
        // CommonAttributes' dimensions count for every record.
        try write([Self.record([])], common: ["Dimensions": [["Name": "job", "Value": "x"]]]).get()
        #expect(try stored().count == 1)
    }
}
