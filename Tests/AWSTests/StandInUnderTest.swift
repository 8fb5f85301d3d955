@testable import AWS
@testable import TimestreamCodec
@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

/// A Timestream stand-in that accepts records, started for one test, with table `db`.`t`, written to through
/// `TimestreamClient` (signed requests over libcurl). Both apply Tests/oracles/timestream_write_rules.py.
struct StandInUnderTest: Sendable {
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// timestream_sql_standin.py: stores records and runs SQL.
        case sql
        /// timestream_standin.py: checks signatures with botocore, answers from a script when given one.
        case scripted
        var testDescription: String { rawValue }
    }

    static let secret = "refusal/secret+key"
    static let credentials = Credentials(accessKeyID: "AKIDREFUSALS", secretAccessKey: secret)
    /// What Timestream answers for a different value at a stored record's time, dimensions and measure.
    static let duplicateReason =
        "A record already exists with the same time, dimensions, measure name, and record version. A higher record "
        + "version must be specified in order to update the measure value. Specifying record version is supported by "
        + "the latest SDKs."

    let kind: Kind
    let server: OracleServer
    let http: HTTPClient

    /// - Parameter table: the table's retention options (`--memory-hours`, `--magnetic-days`, `--magnetic-writes`).
    init(_ kind: Kind, table: [String] = []) throws {
        self.kind = kind
        http = try HTTPClient()
        switch kind {
        case .sql: server = try OracleServer("timestream_sql_standin.py", ["--database", "db", "--table", "t"] + table)
        case .scripted: server = try OracleServer("timestream_standin.py", [Self.secret] + table)
        }
    }

    static var now: Int64 { SystemClock().nowMilliseconds() }

    /// One record as JSON: dimensions in order, a DOUBLE measure in milliseconds at `time` (default: now).
    static func record(
        _ dimensions: [(String, String)] = [("host", "a")], measure: String? = "m", value: String? = "1",
        time: Int64? = nil, version: Int? = nil
    ) -> [String: Any] {
        var record: [String: Any] = [
            "Dimensions": dimensions.map { ["Name": $0.0, "Value": $0.1] }, "MeasureValueType": "DOUBLE",
            "TimeUnit": "MILLISECONDS", "Time": String(time ?? now),
        ]
        if let measure { record["MeasureName"] = measure }
        if let value { record["MeasureValue"] = value }
        if let version { record["Version"] = version }
        return record
    }

    /// Sends one WriteRecords call to `db`.`t` (once, no retries). The client's own 1...100 check is bypassed
    /// (the record count it is told is clamped) so that the stand-in sees every body.
    func write(_ records: [[String: Any]], common: [String: Any]? = nil) throws -> Result<Void, TimestreamError> {
        var body: [String: Any] = ["DatabaseName": "db", "TableName": "t", "Records": records]
        if let common { body["CommonAttributes"] = common }
        let json = [UInt8](try JSONSerialization.data(withJSONObject: body))
        let client = TimestreamClient(
            transport: http, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .fixed(server.url), query: .fixed(server.url)))
        return client.writeRecords(
            [WriteRecordsBody(json: json, recordCount: max(1, min(records.count, 100)))],
            credentials: Self.credentials, deadline: Deadline(epochMilliseconds: Self.now + 20_000), maxAttempts: 1)[0]
    }

    /// Whether `record` is stored: a different value at its time, dimensions and measure is rejected as a duplicate
    /// (a record that was not stored is stored by this probe).
    func isStored(_ record: [String: Any]) throws -> Bool {
        var probe = record
        probe["MeasureValue"] = "-987654.25"
        probe["Version"] = nil
        switch try write([probe]) {
        case .success: return false
        case .failure(let error):
            try #require(error.code == "RejectedRecordsException", "probe failed: \(error)")
            return error.rejectedRecords.first?.reason == Self.duplicateReason
        }
    }

    /// Records the SQL stand-in stored (the scripted one stores none it could list: nil).
    func listed() throws -> [[String: Any]]? {
        guard kind == .sql else { return nil }
        let response = try http.send(HTTPRequest(method: "GET", url: server.url + "/records")).get()
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
    }

    /// Expects the whole call refused (HTTP 400 `ValidationException` whose message starts with `message`) and none
    /// of `records` stored.
    func expectWholeCallRefused(
        _ records: [[String: Any]], common: [String: Any]? = nil, _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try listed()?.count
        guard case .failure(let error) = try write(records, common: common) else {
            Issue.record("the call was accepted", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == "ValidationException" && error.httpStatus == 400, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.hasPrefix(message), "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.rejectedRecords.isEmpty, sourceLocation: sourceLocation)
        #expect(try listed()?.count == before, "a refused call stored records", sourceLocation: sourceLocation)
    }

    /// Expects HTTP 419 `RejectedRecordsException` naming exactly the records of `reasons` (index → reason prefix).
    @discardableResult
    func expectRejected(
        _ records: [[String: Any]], common: [String: Any]? = nil, _ reasons: [Int: String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [RejectedRecord] {
        guard case .failure(let error) = try write(records, common: common) else {
            Issue.record("the call was accepted", sourceLocation: sourceLocation)
            return []
        }
        #expect(error.code == "RejectedRecordsException" && error.httpStatus == 419, "\(error)", sourceLocation: sourceLocation)
        #expect(Set(error.rejectedRecords.map(\.recordIndex)) == Set(reasons.keys), sourceLocation: sourceLocation)
        for rejected in error.rejectedRecords {
            let prefix = reasons[rejected.recordIndex] ?? "<not expected>"
            #expect(rejected.reason.hasPrefix(prefix), "\(rejected.reason)", sourceLocation: sourceLocation)
        }
        return error.rejectedRecords
    }

    /// Expects the call accepted.
    func expectAccepted(
        _ records: [[String: Any]], common: [String: Any]? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        if case .failure(let error) = try write(records, common: common) {
            Issue.record("refused: \(error)", sourceLocation: sourceLocation)
        }
    }
}
