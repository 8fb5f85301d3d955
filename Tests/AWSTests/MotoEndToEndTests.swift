@testable import TimestreamCodec
@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

@testable import AWS

/// The client over the real libcurl `HTTPClient` against `moto_server` with SigV4 verification on
/// (Tests/oracles/moto_timestream.py). One moto for the suite; each test writes under its own dimension value.
@Suite(.motoServer) struct MotoEndToEndTests {
    struct Setup: Decodable, Sendable {
        struct Session: Decodable, Sendable { var access_key_id, secret_access_key, session_token: String }
        var port: Int
        var access_key_id, secret_access_key: String
        var session: Session
    }

    struct Moto: Sendable {
        var server: OracleServer
        var setup: Setup
        var credentials: Credentials {
            Credentials(accessKeyID: setup.access_key_id, secretAccessKey: setup.secret_access_key)
        }
        /// The moto of the running suite.
        @TaskLocal static var current: Moto?

        /// Starts moto (Tests/oracles/moto_timestream.py) and reads the credentials it set up.
        static func start() throws -> Moto {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let setupFile = directory.appendingPathComponent("setup.json")
            let server = try OracleServer("moto_timestream.py", [setupFile.path])
            let setup = try JSONDecoder().decode(Setup.self, from: Data(contentsOf: setupFile))
            return Moto(server: server, setup: setup)
        }

        var sessionCredentials: Credentials {
            Credentials(
                accessKeyID: setup.session.access_key_id, secretAccessKey: setup.session.secret_access_key,
                sessionToken: setup.session.session_token)
        }
    }

    /// The suite's moto (see `MotoServerScope`).
    var moto: Moto {
        get throws { try #require(Moto.current, "MotoServerScope did not run") }
    }

    let http: HTTPClient
    init() throws { http = try HTTPClient() }

    func client(_ moto: Moto) -> TimestreamClient {
        TimestreamClient(
            transport: http, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .fixed(moto.server.url), query: .fixed(moto.server.url)))
    }

    static var deadline: Deadline { Deadline(epochMilliseconds: SystemClock().nowMilliseconds() + 20_000) }

    /// `count` records tagged `run=<run>`, split into batches of 100 as the connector does.
    func batches(run: String, count: Int, table: String = "metrics") -> [WriteRecordsRequest] {
        let records = (0..<count).map { index in
            Record(
                dimensions: [Dimension(name: "run", value: run), Dimension(name: "label", value: "v\"\\\n\(index) ü")],
                measureName: "metric_\(index % 3)", measureValue: String(Double(index) * 0.1),
                time: String(1_700_000_000_000 + index))
        }
        return stride(from: 0, to: count, by: 100).map {
            WriteRecordsRequest(
                databaseName: "promdb", tableName: table,
                commonAttributes: CommonAttributes(measureValueType: "DOUBLE", timeUnit: "MILLISECONDS"),
                records: Array(records[$0..<min($0 + 100, count)]))
        }
    }

    /// Records moto stored in promdb.metrics with dimension run=<run>, in storage order.
    func storedRecords(_ moto: Moto, run: String) throws -> [[String: Any]] {
        let response = try http.send(HTTPRequest(method: "GET", url: moto.server.url + "/moto-api/data.json")).get()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let tables = try #require(
            (document["timestreamwrite"] as? [String: Any])?["TimestreamTable"] as? [[String: Any]])
        let table = try #require(
            tables.first { $0["name"] as? String == "metrics" && $0["db_name"] as? String == "promdb" })
        let records = table["records"] as? [[String: Any]] ?? []
        return records.filter { record in
            (record["Dimensions"] as? [[String: String]])?.contains { $0["Name"] == "run" && $0["Value"] == run }
                == true
        }
    }

    func expectStored(_ moto: Moto, run: String, _ sent: [WriteRecordsRequest]) throws {
        let stored = try storedRecords(moto, run: run)
        let expected = sent.flatMap(\.records)
        try #require(stored.count == expected.count)
        // Batches run in parallel, so compare as sets keyed by time (unique per record).
        let byTime = Dictionary(uniqueKeysWithValues: stored.map { ($0["Time"] as? String ?? "", $0) })
        for record in expected {
            let got = try #require(byTime[record.time])
            #expect(got["MeasureName"] as? String == record.measureName)
            #expect(got["MeasureValue"] as? String == record.measureValue)
            #expect(
                (got["Dimensions"] as? [[String: String]])?.map {
                    Dimension(name: $0["Name"] ?? "", value: $0["Value"] ?? "")
                } == record.dimensions)
        }
    }

    @Test func writesAreStoredExactly() throws {
        let moto = try self.moto
        let run = UUID().uuidString
        let sent = batches(run: run, count: 250)
        let results = client(moto).writeRecords(sent, credentials: moto.credentials, deadline: Self.deadline)
        for result in results { try result.get() }
        try expectStored(moto, run: run, sent)
    }

    @Test func sessionCredentialsAreAccepted() throws {
        let moto = try self.moto
        let run = UUID().uuidString
        let sent = batches(run: run, count: 3)
        try client(moto).writeRecords(sent, credentials: moto.sessionCredentials, deadline: Self.deadline)[0].get()
        try expectStored(moto, run: run, sent)
    }

    @Test func wrongSecretIsATypedAuthFailure() throws {
        let moto = try self.moto
        let run = UUID().uuidString
        var wrong = moto.credentials
        wrong.secretAccessKey += "x"
        let result = client(moto).writeRecords(batches(run: run, count: 1), credentials: wrong, deadline: Self.deadline)
        guard case .failure(let error) = result[0] else { Issue.record("moto accepted a wrong secret"); return }
        #expect(error.code == "SignatureDoesNotMatch" && error.httpStatus == 403)
        #expect(error.isAuthFailure && !error.isRetryable)
        #expect(try storedRecords(moto, run: run).isEmpty)
    }

    @Test func sessionKeyWithoutItsTokenIsRejected() throws {
        let moto = try self.moto
        var tokenless = moto.sessionCredentials
        tokenless.sessionToken = nil
        let result = client(moto).writeRecords(
            batches(run: UUID().uuidString, count: 1), credentials: tokenless, deadline: Self.deadline)
        guard case .failure(let error) = result[0] else { Issue.record("moto accepted a missing token"); return }
        #expect(error.code == "InvalidClientTokenId" && error.isAuthFailure)
        var wrongToken = moto.sessionCredentials
        wrongToken.sessionToken = "bogus"
        let second = client(moto).writeRecords(
            batches(run: UUID().uuidString, count: 1), credentials: wrongToken, deadline: Self.deadline)
        #expect(second[0].isFailure(code: "InvalidClientTokenId"))
    }

    @Test func missingTableIsATypedClientError() throws {
        let moto = try self.moto
        let result = client(moto).writeRecords(
            batches(run: "x", count: 1, table: "nope"), credentials: moto.credentials, deadline: Self.deadline)
        guard case .failure(let error) = result[0] else { Issue.record("expected failure"); return }
        #expect(error.code == "ResourceNotFoundException" && !error.isRetryable && !error.isAuthFailure)
        #expect(error.message.contains("nope"))
    }

    /// moto serves canned query results (queued per query string); our signed Query pages through them.
    @Test func queryPagesThroughMoto() throws {
        let moto = try self.moto
        let sql = "SELECT \"run\" FROM \"promdb\".\"metrics\" WHERE run = '\(UUID().uuidString)'"
        let pages: [[String: Any]] = [
            ["QueryId": "p", "NextToken": "t1", "Rows": [], "ColumnInfo": []],
            [
                "QueryId": "p", "Rows": [["Data": [["ScalarValue": "a"], ["NullValue": true]]]],
                "ColumnInfo": [
                    ["Name": "run", "Type": ["ScalarType": "VARCHAR"]],
                    ["Name": "v", "Type": ["ScalarType": "DOUBLE"]],
                ],
            ],
        ]
        let queue = try JSONSerialization.data(withJSONObject: [
            "account_id": "123456789012", "region": "us-east-1", "results": [sql: pages],
        ])
        let queued = try http.send(
            HTTPRequest(
                method: "POST", url: moto.server.url + "/moto-api/static/timestream/query-results",
                headers: [(name: "Content-Type", value: "application/json")], body: Array(queue))
        ).get()
        try #require(queued.status == 201)
        var seen: [QueryPage] = []
        try client(moto).query(
            sql, credentials: moto.credentials, deadline: Self.deadline, maxRows: 10, onPage: { seen.append($0) }
        ).get()
        #expect(
            seen == [
                QueryPage(columns: [], rows: []),
                QueryPage(
                    columns: [
                        ColumnInfo(name: "run", scalarType: "VARCHAR"), ColumnInfo(name: "v", scalarType: "DOUBLE"),
                    ], rows: [[.scalar("a"), .null]]),
            ])
    }

    /// DescribeEndpoints is signed and accepted by moto (moto answers the real regional host, which is not called).
    @Test func describeEndpointsIsAcceptedByMoto() throws {
        let moto = try self.moto
        let discovering = TimestreamClient(
            transport: http, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .discoverAt(moto.server.url), query: .fixed(moto.server.url)))
        let endpoint = discovering.resolveEndpoint(.write, credentials: moto.credentials, timeoutMilliseconds: 5_000)
        #expect(try endpoint.get() == "http://ingest.timestream.us-east-1.amazonaws.com")
        var wrong = moto.credentials
        wrong.secretAccessKey = "nope"
        // A fresh client: the first one cached the endpoint for this key id (addresses are not secret; the
        // calls made with them are signed and checked).
        let fresh = TimestreamClient(
            transport: http, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .discoverAt(moto.server.url), query: .fixed(moto.server.url)))
        let refused = fresh.resolveEndpoint(.write, credentials: wrong, timeoutMilliseconds: 5_000)
        #expect(refused.isFailure(code: "SignatureDoesNotMatch"))
    }
}

/// One moto for the whole suite (starting it costs seconds), stopped when the suite ends.
struct MotoServerScope: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let moto = try MotoEndToEndTests.Moto.start()
        defer { moto.server.stop() }
        try await MotoEndToEndTests.Moto.$current.withValue(moto) { try await function() }
    }
}

extension Trait where Self == MotoServerScope {
    static var motoServer: Self { Self() }
}
