@testable import AWS
@testable import Connector
import Foundation
@testable import RemoteStorage
@testable import TimestreamCodec
import TestSupport
import Testing
@testable import TextCodecs

/// Reads through `ConnectorService` over a scripted Timestream, counting the queries it makes.
@Suite struct ServiceReadTests {
    final class Clock: @unchecked Sendable {
        var milliseconds: Int64 = 1_700_000_000_000
    }

    static let deadline = Deadline(epochMilliseconds: .max)

    static func request(_ matchers: [LabelMatcher], queries: Int = 1) -> ServiceRequest {
        let read = ReadRequest(
            queries: Array(repeating: Query(startTimestampMs: 0, endTimestampMs: 1_000_000, matchers: matchers), count: queries))
        return ServiceRequest(
            method: "POST", path: "/dev/read", headers: ScriptedTimestream.basicAuth,
            body: Snappy.compress(read.serialized()))
    }

    static func name(_ metric: String) -> LabelMatcher { LabelMatcher(type: .equal, name: "__name__", value: metric) }

    /// One page of `up` rows with the given `job` values (nil: no job label).
    static func rows(_ jobs: [String?]) -> [QueryPage] {
        [QueryPage(
            columns: ScriptedTimestream.columns(dimensions: ["job"]),
            rows: jobs.enumerated().map { index, job in
                [job.map(Datum.scalar) ?? .null, .scalar("up"), .scalar("1970-01-01 00:00:0\(index).000000000"), .scalar("1.0")]
            })]
    }

    static func series(_ response: ServiceResponse) throws -> [[TimeSeries]] {
        try ReadResponse(protobuf: Snappy.decompress(response.body.bytes)).results.map(\.timeseries)
    }

    @Test func aSelectorOnAnAbsentLabelIsOneQuery() throws {
        let timestream = ScriptedTimestream(tableColumns: ScriptedTimestream.columns(dimensions: ["job"])) { _ in
            .success(Self.rows([nil, nil]))
        }
        let clock = Clock()
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { clock.milliseconds })
        // Cold: one DESCRIBE, then one SELECT for a selector on two labels the table lacks (`env=""` holds for
        // every row, `team!~"a.*"` too).
        let absent = [
            Self.name("up"), LabelMatcher(type: .equal, name: "env", value: ""),
            LabelMatcher(type: .notRegex, name: "team", value: "a.*"),
        ]
        let first = service.respond(to: Self.request(absent), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(first.response.statusCode == 200)
        #expect(try Self.series(first.response)[0].count == 1)
        #expect(timestream.describes == 1 && timestream.selects.count == 1)
        #expect(!timestream.selects[0].contains("\"env\"") && !timestream.selects[0].contains("\"team\""))
        // Warm: one query for a selector on one absent label, whatever the number of absent labels.
        let warm = service.respond(
            to: Self.request([Self.name("up"), LabelMatcher(type: .notEqual, name: "env", value: "prod")]),
            deadline: Self.deadline, credentials: .requestHeaders)
        #expect(warm.response.statusCode == 200)
        #expect(timestream.describes == 1 && timestream.selects.count == 2)
        #expect(warm.summary.timestreamCalls == 1)
        // A selector that needs an absent label to have a value cannot match: no query at all.
        let none = service.respond(
            to: Self.request([Self.name("up"), LabelMatcher(type: .equal, name: "env", value: "prod")], queries: 2),
            deadline: Self.deadline, credentials: .requestHeaders)
        #expect(none.response.statusCode == 200)
        #expect(try Self.series(none.response).map(\.count) == [0, 0])
        #expect(timestream.statements.count == 3)
    }

    @Test func aLabelThatAppearsLaterIsFound() throws {
        let timestream = ScriptedTimestream(tableColumns: ScriptedTimestream.columns(dimensions: ["job"])) { _ in
            .success(Self.rows(["a"]))
        }
        let clock = Clock()
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { clock.milliseconds })
        let selector = [Self.name("up"), LabelMatcher(type: .equal, name: "env", value: "prod")]
        _ = service.respond(to: Self.request(selector), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(timestream.describes == 1 && timestream.selects.isEmpty)
        // `env` is written (by any process); within the absence window the description still answers…
        timestream.tableColumns = ScriptedTimestream.columns(dimensions: ["env", "job"])
        clock.milliseconds += 5_000
        _ = service.respond(to: Self.request(selector), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(timestream.describes == 1 && timestream.selects.isEmpty)
        // …after it, the table is described again and the label queried.
        clock.milliseconds += 15_000
        _ = service.respond(to: Self.request(selector), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(timestream.describes == 2 && timestream.selects.count == 1)
        #expect(timestream.selects[0].contains("\"env\" = 'prod'"))
        // Columns present stay trusted: no new description for a selector on known labels.
        clock.milliseconds += 60_000
        _ = service.respond(to: Self.request(selector), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(timestream.describes == 2 && timestream.selects.count == 2)
    }

    /// A label written after the table was described, inside the absence window: a page carrying its column
    /// shows the description is out of date, and the query runs again with the label's condition — a series with
    /// `env="prod"` is never answered for `env!="prod"` (SAMPLES; the streamed path checks the same).
    @Test func aPageWithALabelTakenAsAbsentRefreshesTheDescription() throws {
        let timestream = ScriptedTimestream(tableColumns: ScriptedTimestream.columns(dimensions: ["job"])) { sql in
            let rows: [[Datum]] = [
                [.scalar("prod"), .scalar("a"), .scalar("up"), .scalar("1970-01-01 00:00:01.000000000"), .scalar("1.0")],
                [.null, .scalar("a"), .scalar("up"), .scalar("1970-01-01 00:00:02.000000000"), .scalar("2.0")],
            ]
            // Timestream applies the condition when the statement has it.
            let selected = sql.contains("\"env\"") ? rows.filter { if case .null = $0[0] { true } else { false } } : rows
            return .success([QueryPage(columns: ScriptedTimestream.columns(dimensions: ["env", "job"]), rows: selected)])
        }
        let clock = Clock()
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { clock.milliseconds })
        _ = service.respond(to: Self.request([Self.name("down")]), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(timestream.describes == 1)
        timestream.tableColumns = ScriptedTimestream.columns(dimensions: ["env", "job"])  // `env` written meanwhile
        clock.milliseconds += 5_000
        let selector = [Self.name("up"), LabelMatcher(type: .notEqual, name: "env", value: "prod")]
        let answer = service.respond(to: Self.request(selector), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(answer.response.statusCode == 200)
        let series = try Self.series(answer.response)[0]
        #expect(series.count == 1 && !series[0].labels.contains { $0.name == "env" }, "\(series)")
        #expect(timestream.describes == 2)
        #expect(timestream.selects.count == 3 && timestream.selects[2].contains("\"env\""))  // down; up without env; up with env
    }

    @Test func aMissingColumnRefreshesTheDescriptionOnce() throws {
        var recreated = false
        let timestream = ScriptedTimestream(tableColumns: ScriptedTimestream.columns(dimensions: ["job"])) { sql in
            // The table was recreated without `job` after it was described.
            if !recreated && sql.contains("\"job\"") {
                return .failure(.classified(code: "ValidationException", message: "line 1:1: Column 'job' does not exist", httpStatus: 400))
            }
            // Rows of the recreated table: no `job` column.
            return .success([QueryPage(
                columns: ScriptedTimestream.columns(dimensions: []),
                rows: [[.scalar("up"), .scalar("1970-01-01 00:00:00.000000000"), .scalar("1.0")]])])
        }
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { 0 })
        let selector = [Self.name("up"), LabelMatcher(type: .notEqual, name: "job", value: "x")]
        _ = service.respond(to: Self.request([Self.name("up")]), deadline: Self.deadline, credentials: .requestHeaders)
        timestream.tableColumns = ScriptedTimestream.columns(dimensions: [])
        let answer = service.respond(to: Self.request(selector), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(answer.response.statusCode == 200)
        #expect(try Self.series(answer.response)[0].count == 1)
        #expect(timestream.describes == 2)
        #expect(timestream.selects.count == 3)  // up; up with job (refused); up without job
        recreated = true
    }

    /// A selector that cannot match is answered without a query, from the cached description: only for callers
    /// whose credentials Timestream accepted. Made-up keys get Timestream's 403, however warm the cache.
    @Test func theCachedDescriptionAnswersOnlyCallersTimestreamAccepted() throws {
        let timestream = ScriptedTimestream(tableColumns: ScriptedTimestream.columns(dimensions: ["job"]))
        timestream.acceptedAccessKeys = ["AKIDEXAMPLE"]
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { 1_700_000_000_000 })
        let cannotMatch = [Self.name("up"), LabelMatcher(type: .equal, name: "env", value: "prod")]
        func read(_ authorization: String) -> ServiceResponse {
            var request = Self.request(cannotMatch)
            request.headers = [("Authorization", authorization)]
            return service.respond(to: request, deadline: Self.deadline, credentials: .requestHeaders).response
        }
        let good = ScriptedTimestream.basicAuth[0].value
        let madeUp = "Basic " + String(decoding: Base64.encode(Array("AKIDMADEUP:guess".utf8)), as: UTF8.self)
        #expect(read(good).statusCode == 200)
        #expect(timestream.describes == 1 && timestream.selects.isEmpty)
        for _ in 0..<2 {
            let refused = read(madeUp)
            #expect(refused.statusCode == 403, "\(refused.bodyText)")
        }
        #expect(timestream.describes == 3)
        // The accepted caller is still answered from the cache; a wrong secret for its key is not.
        #expect(read(good).statusCode == 200)
        #expect(timestream.describes == 3)
        let wrongSecret = "Basic " + String(decoding: Base64.encode(Array("AKIDEXAMPLE:other".utf8)), as: UTF8.self)
        #expect(read(wrongSecret).statusCode == 200)
        #expect(timestream.describes == 4, "another secret is another caller: described again")
    }

    /// An acceptance lasts `presentFor`: a caller answered from the cache for minutes on end (another caller
    /// keeps the description fresh) is asked about again, so a key deactivated since gets Timestream's answer.
    @Test func aCallersAcceptanceExpires() throws {
        let timestream = ScriptedTimestream(tableColumns: ScriptedTimestream.columns(dimensions: ["job"]))
        let clock = Clock()
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { clock.milliseconds })
        let cannotMatch = [Self.name("up"), LabelMatcher(type: .equal, name: "env", value: "prod")]
        func read(_ key: String) -> Int {
            var request = Self.request(cannotMatch)
            request.headers = [("Authorization", "Basic " + String(decoding: Base64.encode(Array("\(key):s".utf8)), as: UTF8.self))]
            return service.respond(to: request, deadline: Self.deadline, credentials: .requestHeaders).response.statusCode
        }
        #expect(read("AKIDA") == 200 && read("AKIDB") == 200)
        #expect(timestream.describes == 2)
        clock.milliseconds += ColumnCache.presentFor - 10_000
        #expect(read("AKIDB") == 200)  // B described again (the absence window had passed): the entry is fresh
        #expect(timestream.describes == 3)
        clock.milliseconds += 10_000
        #expect(read("AKIDA") == 200)  // A's acceptance is `presentFor` old: asked again
        #expect(timestream.describes == 4)
    }

    @Test func aTableWithoutDoubleMeasuresAnswersEmptyWithoutSelecting() throws {
        let timestream = ScriptedTimestream(tableColumns: [
            ColumnInfo(name: "measure_name", scalarType: "VARCHAR"), ColumnInfo(name: "time", scalarType: "TIMESTAMP"),
        ])
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { 0 })
        for _ in 0..<2 {
            let answer = service.respond(to: Self.request([Self.name("up")]), deadline: Self.deadline, credentials: .requestHeaders)
            #expect(answer.response.statusCode == 200)
        }
        // Not cached: the next read describes again, so the first write's columns are seen at once.
        #expect(timestream.describes == 2 && timestream.selects.isEmpty)
    }

    @Test(arguments: [
        ("ThrottlingException", 429, 503, "scripted"), ("InternalServerException", 500, 503, "scripted"),
        ("AccessDeniedException", 403, 403, "scripted"), ("ResourceNotFoundException", 404, 500, "scripted"),
        ("ValidationException", 400, 400, "scripted"),
        // Query's answer for a missing table (a deployment error, not the query's): 500 as for a write.
        ("ValidationException", 400, 500, "Requested table 'tbl' not found for identifier 'db.tbl' at line 1:15"),
    ])
    func timestreamErrorClassesMapToStatuses(code: String, httpStatus: Int, expected: Int, message: String) {
        let error = TimestreamError.classified(code: code, message: message, httpStatus: httpStatus)
        let timestream = ScriptedTimestream(answer: { _ in .failure(error) })
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { 0 })
        let answer = service.respond(to: Self.request([Self.name("up")]), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(answer.response.statusCode == expected)
        #expect(answer.response.bodyText.contains(code))
        if expected == 503 { #expect(answer.response.headers.contains { $0.name == "Retry-After" }) }
        // The description fails the same way.
        let describing = ScriptedTimestream()
        describing.describeError = error
        let refused = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: describing, now: { 0 }
        ).respond(to: Self.request([Self.name("up")]), deadline: Self.deadline, credentials: .requestHeaders)
        #expect(refused.response.statusCode == expected)
    }

    @Test func pagesAreJoinedIntoOneSeriesEach() throws {
        let pages = Self.rows(["a", "b"]) + [QueryPage(columns: ScriptedTimestream.columns(dimensions: ["job"]), rows: [])]
            + Self.rows(["a", "b", "a"])
        let timestream = ScriptedTimestream(pages: pages)
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { 0 })
        let answer = service.respond(to: Self.request([Self.name("up")]), deadline: Self.deadline, credentials: .requestHeaders)
        let series = try Self.series(answer.response)[0]
        #expect(series.map { $0.labels.map(\.value) } == [["up", "a"], ["up", "b"]])
        #expect(series.map(\.samples.count) == [3, 2])
        #expect(answer.summary.samplesReturned == 5 && answer.summary.series == 2)
    }

    @Test func missingCredentialsAre401AndNoCall() {
        let timestream = ScriptedTimestream()
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { 0 })
        var request = Self.request([Self.name("up")])
        request.headers = []
        let answer = service.respond(to: request, deadline: Self.deadline, credentials: .requestHeaders)
        #expect(answer.response.statusCode == 401)
        #expect(answer.response.headers.contains { $0.name == "WWW-Authenticate" })
        #expect(timestream.statements.isEmpty)
        let role = service.respond(
            to: request, deadline: Self.deadline,
            credentials: .provider { .success(Credentials(accessKeyID: "role", secretAccessKey: "s")) })
        #expect(role.response.statusCode == 200)
    }

    /// A SigV4-signed request where the connector expects basic auth (a Go-connector function behind AWS_IAM that
    /// relied on its enable_sigv4_auth=true default): 500 naming the setting, so Prometheus retries, not 401.
    @Test func aSigV4SignedRequestWithoutEnableSigV4AuthIs500() {
        let timestream = ScriptedTimestream()
        let service = ConnectorService(
            config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { 0 })
        var request = Self.request([Self.name("up")])
        request.headers = [("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")]
        let answer = service.respond(to: request, deadline: Self.deadline, credentials: .requestHeaders)
        #expect(answer.response.statusCode == 500)
        #expect(answer.response.bodyText.contains("set enable_sigv4_auth=true"), "\(answer.response.bodyText)")
        #expect(timestream.statements.isEmpty)
    }
}
