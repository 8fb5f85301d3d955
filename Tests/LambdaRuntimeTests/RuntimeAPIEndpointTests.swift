@testable import CurlHTTP
import Foundation
import Testing

@testable import LambdaRuntime

@Suite("Runtime API request builder (offline)")
struct RuntimeAPIEndpointTests {
    let base = "http://127.0.0.1:9001"

    @Test func nextIsALongPollGET() {
        let request = RuntimeAPIEndpoint.next.request(baseURL: base)
        #expect(request.method == "GET")
        #expect(request.url == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next")
        #expect(request.timeoutMilliseconds == nil)
        #expect(request.body.isEmpty)
        #expect(RuntimeAPIEndpoint.next.expectedStatus == 200)
    }

    @Test func noCallGoesThroughAProxy() {
        let report = ErrorReport(errorType: "E", errorMessage: "m")
        let calls: [RuntimeAPIEndpoint] = [.next, .response(requestID: "r", body: []), .error(requestID: "r", report), .initError(report)]
        #expect(calls.allSatisfy { $0.request(baseURL: base).bypassesProxy })
    }

    @Test func responsePostsTheBytesUnchanged() {
        let body: [UInt8] = [0, 1, 0xFF, 0x22]
        let endpoint = RuntimeAPIEndpoint.response(requestID: "8476a536-e9f4-11e8-9739-2dfe598c3fcd", body: body)
        let request = endpoint.request(baseURL: base)
        #expect(request.method == "POST")
        #expect(request.url == base + "/2018-06-01/runtime/invocation/8476a536-e9f4-11e8-9739-2dfe598c3fcd/response")
        #expect(request.body == body)
        #expect(endpoint.expectedStatus == 202)
    }

    @Test func errorCarriesTypeHeaderAndJSONBody() throws {
        let report = ErrorReport(errorType: "Timestream.ThrottlingException", errorMessage: "slow \"down\"\n")
        let request = RuntimeAPIEndpoint.error(requestID: "abc", report).request(baseURL: base)
        #expect(request.method == "POST")
        #expect(request.url == base + "/2018-06-01/runtime/invocation/abc/error")
        #expect(request.header("Lambda-Runtime-Function-Error-Type") == "Timestream.ThrottlingException")
        #expect(request.header("content-type") == "application/json")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == #"{"errorType":"Timestream.ThrottlingException","errorMessage":"slow \"down\"\n"}"#)
    }

    @Test func initErrorPath() {
        let report = ErrorReport(errorType: "Config.MissingDatabase", errorMessage: "default_database is not set")
        let request = RuntimeAPIEndpoint.initError(report).request(baseURL: base)
        #expect(request.method == "POST")
        #expect(request.url == base + "/2018-06-01/runtime/init/error")
        #expect(request.header("Lambda-Runtime-Function-Error-Type") == "Config.MissingDatabase")
        #expect(request.body == report.jsonBytes)
    }

    @Test func hostileRequestIDCannotEscapeThePath() {
        let request = RuntimeAPIEndpoint.response(requestID: "../init/error?x=1 #", body: []).request(baseURL: base)
        #expect(request.url == base + "/2018-06-01/runtime/invocation/..%2Finit%2Ferror%3Fx%3D1%20%23/response")
    }

    @Test func errorTypeCannotInjectHeaders() {
        let report = ErrorReport(errorType: "Bad\r\nX-Injected: 1", errorMessage: "m")
        let request = RuntimeAPIEndpoint.error(requestID: "id", report).request(baseURL: base)
        #expect(request.header("Lambda-Runtime-Function-Error-Type") == "Bad__X-Injected: 1")
    }

    @Test func clientNormalisesTheEndpoint() {
        let transport = ScriptedTransport([])
        #expect(RuntimeAPIClient(endpoint: "127.0.0.1:9001", transport: transport).baseURL == base)
        #expect(RuntimeAPIClient(endpoint: "http://127.0.0.1:9001/", transport: transport).baseURL == base)
    }

    @Test(
        "Error report JSON survives Python's strict parser",
        arguments: [
            "plain", "quote \" backslash \\ slash /", "newline\nreturn\rtab\tbell\u{07}nul\u{00}esc\u{1B}del\u{7F}",
            "unicode ☃ é 𝄞 \u{2028}", "",
        ])
    func errorReportEscaping(message: String) throws {
        let report = ErrorReport(errorType: "Type.\u{01}\"x\"", errorMessage: message)
        let parsed = try #require(try OracleJSON.echo(report.jsonBytes) as? [String: String])
        #expect(parsed == ["errorType": "Type.\u{01}\"x\"", "errorMessage": message])
    }

    @Test func reportableErrorsNameTheirType() {
        #expect(
            ErrorReport(InvocationHeaderError.missing("Lambda-Runtime-Deadline-Ms"))
                == ErrorReport(
                    errorType: "Runtime.InvalidInvocationHeader",
                    errorMessage: "missing header Lambda-Runtime-Deadline-Ms"))
        struct Plain: Error, CustomStringConvertible { var description: String { "went wrong" } }
        #expect(ErrorReport(Plain()) == ErrorReport(errorType: "Unhandled", errorMessage: "went wrong"))
    }
}

@Suite("Invocation context")
struct InvocationContextTests {
    @Test func readsAllHeadersCaseInsensitively() throws {
        let context = try InvocationContext(
            requestID: "r1",
            headers: [
                (name: "lambda-runtime-deadline-ms", value: "1795467600123"),
                (name: "LAMBDA-RUNTIME-INVOKED-FUNCTION-ARN", value: "arn:aws:lambda:eu-west-1:1:function:f"),
                (name: "Lambda-Runtime-Trace-Id", value: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"),
            ])
        #expect(
            context
                == InvocationContext(
                    requestID: "r1", deadlineEpochMilliseconds: 1_795_467_600_123,
                    invokedFunctionARN: "arn:aws:lambda:eu-west-1:1:function:f",
                    traceID: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"))
        #expect(context.remainingMilliseconds(now: 1_795_467_590_123) == 10_000)
        #expect(context.remainingMilliseconds(now: 1_795_467_600_124) == -1)
    }

    @Test func deadlineIsRequiredAndNumeric() {
        #expect(throws: InvocationHeaderError.missing("Lambda-Runtime-Deadline-Ms")) {
            try InvocationContext(requestID: "r", headers: [])
        }
        #expect(throws: InvocationHeaderError.invalid("Lambda-Runtime-Deadline-Ms", value: "soon")) {
            try InvocationContext(requestID: "r", headers: [(name: "Lambda-Runtime-Deadline-Ms", value: "soon")])
        }
    }
}
