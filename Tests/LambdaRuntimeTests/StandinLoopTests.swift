@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

@testable import LambdaRuntime

/// What `GET /_standin/records` returns (Tests/oracles/runtime_api_standin.py).
struct StandinRecords: Decodable {
    struct Invocation: Decodable {
        var requestId: String
        var outcome: String?
        var body: String?
        var bodyBase64: String?
        var contentType: String?
        var errorType: String?
        var connection: Int?
        var traceId: String?
    }
    struct InitError: Decodable {
        var errorType: String?
        var body: String?
    }
    struct Request: Decodable {
        var method: String
        var path: String
        var connection: Int
    }
    var nextCount: Int
    var goneCount: Int
    var invocations: [Invocation]
    var initErrors: [InitError]
    var requests: [Request]
}

/// Drives runtime_api_standin.py's control endpoints with the same libcurl client the runtime uses.
struct Standin {
    let server: OracleServer
    let http: HTTPClient

    init(_ arguments: [String] = []) throws {
        server = try OracleServer("runtime_api_standin.py", arguments)
        http = try HTTPClient()
    }

    var client: RuntimeAPIClient { RuntimeAPIClient(endpoint: "127.0.0.1:\(server.port)", transport: http) }

    @discardableResult
    func enqueue(_ spec: [String: Any]) throws -> String {
        let body = try JSONSerialization.data(withJSONObject: spec)
        let response = try http.send(
            HTTPRequest(
                method: "POST", url: server.url + "/_standin/events",
                headers: [(name: "Content-Type", value: "application/json")],
                body: [UInt8](body), timeoutMilliseconds: 5000)
        ).get()
        let created = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
        return try #require(created?["requestId"])
    }

    func records() throws -> StandinRecords {
        let response = try http.send(
            HTTPRequest(method: "GET", url: server.url + "/_standin/records", timeoutMilliseconds: 5000)
        ).get()
        return try JSONDecoder().decode(StandinRecords.self, from: Data(response.body))
    }
}

extension RunLoopSuites {
    @Suite("over libcurl HTTPClient against runtime_api_standin.py")
    struct OverHTTPClient {
        @Test func servesSeveralInvocationsOnOneConnectionThenEndsOnGone() throws {
            let standin = try Standin()
            // Each event's deadline as the stand-in sends it (Lambda-Runtime-Deadline-Ms), read back exactly.
            let sentDeadlines: [Int64] = [4_102_444_800_001, 4_102_444_800_002, 4_102_444_800_003, 4_102_444_800_004]
            let ids = try [
                standin.enqueue(["payload": "one", "deadlineMs": sentDeadlines[0]]),
                standin.enqueue(["payload": "fail", "deadlineMs": sentDeadlines[1]]),
                standin.enqueue(["payloadBase64": Data([0, 0xFF, 0x80]).base64EncodedString(), "deadlineMs": sentDeadlines[2]]),
                standin.enqueue([
                    "payload": "four", "traceId": "Root=1-67891233-abcdef012345678912345678;Sampled=1",
                    "deadlineMs": sentDeadlines[3],
                ]),
            ]
            var traces: [String?] = []
            var deadlines: [Int64] = []
            let error = #expect(throws: RuntimeError.self) {
                try runLoop(client: standin.client) { context, payload in
                    traces.append(ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"])
                    deadlines.append(context.deadlineEpochMilliseconds)
                    #expect(
                        context.invokedFunctionARN
                            == "arn:aws:lambda:us-east-1:123456789012:function:prometheus-timestream")
                    if payload == Array("fail".utf8) {
                        throw APIGatewayEventError.invalidBase64Body(.invalidLength(5))
                    }
                    return Array("got:".utf8) + payload
                }
            }
            #expect(error?.code == .unexpectedStatus(410))
            #expect(error?.call == .next)

            let records = try standin.records()
            #expect(records.invocations.map(\.requestId) == ids)
            #expect(records.invocations.map(\.outcome) == ["response", "error", "response", "response"])
            #expect(records.invocations[0].body == "got:one")
            #expect(
                records.invocations[2].bodyBase64 == Data(Array("got:".utf8) + [0, 0xFF, 0x80]).base64EncodedString())
            #expect(records.invocations[1].errorType == "Unhandled")
            #expect(records.invocations[1].contentType == "application/json")
            let reported = try #require(
                try OracleJSON.echo(Array(records.invocations[1].body!.utf8)) as? [String: String])
            #expect(
                reported == [
                    "errorType": "Unhandled",
                    "errorMessage": "body is not valid base64: invalid base64 length 5 (not a multiple of 4)",
                ])
            #expect(traces[3] == "Root=1-67891233-abcdef012345678912345678;Sampled=1")
            #expect(traces == records.invocations.map(\.traceId))
            #expect(deadlines == sentDeadlines)
            // 4 × (next + post) + the final next, all on the first runtime connection (keep-alive reuse).
            #expect(records.nextCount == 5)
            let runtimeRequests = records.requests
            #expect(runtimeRequests.count == 9)
            #expect(Set(runtimeRequests.map(\.connection)).count == 1)
        }

        @Test func badHeadersPerInvocationAndMissingRequestIDEnds() throws {
            let standin = try Standin()
            let garbled = try standin.enqueue(["payload": "x", "headers": ["Lambda-Runtime-Deadline-Ms": "soon"]])
            try standin.enqueue(["payload": "y", "omitHeaders": ["Lambda-Runtime-Aws-Request-Id"]])
            var handled = 0
            let error = #expect(throws: RuntimeError.self) {
                try runLoop(client: standin.client) { _, _ in
                    handled += 1
                    return []
                }
            }
            #expect(error?.code == .missingRequestID)
            #expect(handled == 0)
            let records = try standin.records()
            #expect(records.invocations.first?.requestId == garbled)
            #expect(records.invocations.first?.outcome == "error")
            #expect(records.invocations.first?.errorType == "Runtime.InvalidInvocationHeader")
            #expect(
                records.invocations.first?.body
                    == #"{"errorType":"Runtime.InvalidInvocationHeader","errorMessage":"invalid header Lambda-Runtime-Deadline-Ms: soon"}"#
            )
        }

        @Test func closedConnectionIsATransportError() throws {
            let standin = try Standin(["--on-empty", "close"])
            let error = #expect(throws: RuntimeError.self) { try runLoop(client: standin.client) { _, _ in [] } }
            #expect(error?.code == .transportFailed)
            #expect(error?.underlying is TransportError)
        }

        @Test func oversizedResponseEndsTheLoopWith413() throws {
            let standin = try Standin(["--max-response-bytes", "1000"])
            try standin.enqueue(["payload": "big"])
            let error = #expect(throws: RuntimeError.self) {
                try runLoop(client: standin.client) { _, _ in [UInt8](repeating: 0x61, count: 1001) }
            }
            #expect(error?.code == .unexpectedStatus(413))
            #expect(error?.call == .response)
        }

        /// Near Lambda's 6 MB response limit: libcurl may send `Expect: 100-continue`; the body must arrive intact.
        @Test func nearlySixMegabyteResponseArrivesIntact() throws {
            let standin = try Standin()
            try standin.enqueue(["payload": "big"])
            let body = (0..<6_000_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            #expect(throws: RuntimeError.self) { try runLoop(client: standin.client) { _, _ in body } }
            let records = try standin.records()
            #expect(records.invocations.first?.outcome == "response")
            #expect(records.invocations.first?.bodyBase64 == Data(body).base64EncodedString())
        }

        @Test func initErrorIsRecorded() throws {
            let standin = try Standin()
            try standin.client.reportInitError(
                ErrorReport(errorType: "Config.MissingDatabase", errorMessage: "default_database is not set"))
            let records = try standin.records()
            #expect(records.initErrors.count == 1)
            #expect(records.initErrors.first?.errorType == "Config.MissingDatabase")
            #expect(
                records.initErrors.first?.body
                    == #"{"errorType":"Config.MissingDatabase","errorMessage":"default_database is not set"}"#)
        }

        @Test func batchModeDeliversFilesInOrderAndPrintsAnswers() throws {
            let files = ["v2_base64_body.json", "v1_plain_no_base64_flag.json"]
            let process = Process.child(
                Oracle.python,
                [Oracle.directory.appendingPathComponent("runtime_api_standin.py").path, "--events"]
                    + (try files.map { try Fixture.url($0).path }) + ["--max-wait", "60"])
            let stdout = Pipe()
            process.standardOutput = stdout
            try process.start()
            defer { process.stop() }
            var ready = [UInt8]()
            while true {
                let byte = stdout.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte.first == 0x0A { break }
                ready.append(contentsOf: byte)
            }
            let port = try #require(Int(String(decoding: ready, as: UTF8.self).dropFirst("READY ".count)))

            let error = #expect(throws: RuntimeError.self) {
                try runLoop(client: RuntimeAPIClient(endpoint: "127.0.0.1:\(port)", transport: try HTTPClient())) {
                    _, event in
                    let request = try APIGatewayRequest(eventJSON: event)
                    return APIGatewayResponse.text(request.version == .v2 ? 204 : 200, request.path).encoded(
                        for: request.version)
                }
            }
            #expect(error?.code == .unexpectedStatus(410))
            try #require(process.wait(timeout: 120), "runtime_api_standin.py --events did not exit")
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            #expect(process.terminationStatus == 0)
            let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
            let answers = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(answers.map { $0["event"] as? String } == files)
            #expect(answers.map { $0["outcome"] as? String } == ["response", "response"])
            let bodies = answers.map { $0["body"] as? [String: Any] }
            #expect(bodies.map { $0?["statusCode"] as? Int } == [204, 200])
            #expect(bodies.map { $0?["body"] as? String } == ["/dev/write", "/hello/world"])
        }
    }
}
