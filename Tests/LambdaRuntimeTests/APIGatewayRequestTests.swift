import Foundation
import Testing

@testable import LambdaRuntime

@Suite("API Gateway events from fixture files")
struct APIGatewayRequestTests {
    func decode(_ name: String) throws -> APIGatewayRequest {
        try APIGatewayRequest(eventJSON: try Fixture.bytes(name))
    }

    /// The body bytes Python computes from the same fixture (base64-decoded iff isBase64Encoded).
    func pythonBody(_ name: String) throws -> String {
        try OracleJSON.text("event-body", [try Fixture.url(name).path])
    }

    @Test func v2WithBase64Body() throws {
        let request = try decode("v2_base64_body.json")
        #expect(request.version == .v2)
        #expect(request.method == "POST")
        #expect(request.path == "/dev/write")
        #expect(request.isBase64Encoded)
        #expect(request.body == Array(0...255) + Array("\0snappy".utf8) + [0xFF])
        #expect(hex(request.body) == (try pythonBody("v2_base64_body.json")))
        #expect(request.headers["X-Prometheus-Remote-Write-Version"] == "0.1.0")
        #expect(request.headers["CONTENT-ENCODING"] == "snappy")
        #expect(request.headers["cookie"] == "session=abc; theme=dark")
        #expect(request.requestID == "Jk3x1gWqIAMEbRw=")
        #expect(request.sourceIP == "203.0.113.7")
        #expect(request.receivedEpochMilliseconds == 1_795_467_600_000)
    }

    /// When API Gateway received the request: `requestContext.timeEpoch` (v2), `requestTimeEpoch` (v1).
    @Test func theGatewaysReceiveTimeIsRead() throws {
        let v1 = try APIGatewayRequest(eventJSON: Array(
            #"{"httpMethod":"POST","path":"/w","requestContext":{"requestTimeEpoch":1795467600123}}"#.utf8))
        #expect(v1.receivedEpochMilliseconds == 1_795_467_600_123)
        let v2 = try APIGatewayRequest(eventJSON: Array(
            #"{"version":"2.0","rawPath":"/w","requestContext":{"http":{"method":"POST"},"timeEpoch":1795467600456}}"#.utf8))
        #expect(v2.receivedEpochMilliseconds == 1_795_467_600_456)
        #expect(try decode("v2_null_maps.json").receivedEpochMilliseconds == nil)
    }

    @Test func v2WithoutBody() throws {
        let request = try decode("v2_minimal_no_body.json")
        #expect(request.version == .v2)
        #expect(request.method == "GET")
        #expect(request.path == "/")
        #expect(request.body.isEmpty)
        #expect(!request.isBase64Encoded)
        #expect(request.headers["Host"] == "xxx.execute-api.us-east-1.amazonaws.com")
        #expect(request.headers["cookie"] == nil)
        #expect(request.requestID == "MIZRNhJtIAMEMDw=")
    }

    @Test func v2WithNullMapsAndFields() throws {
        let request = try decode("v2_null_maps.json")
        #expect(request == APIGatewayRequest(version: .v2, method: "POST", path: "/read"))
    }

    @Test func v1WithBase64BodyAndMultiValueHeaders() throws {
        let request = try decode("v1_base64_body.json")
        #expect(request.version == .v1)
        #expect(request.method == "POST")
        #expect(request.path == "/prod/write")
        #expect(request.isBase64Encoded)
        #expect(hex(request.body) == (try pythonBody("v1_base64_body.json")))
        #expect(request.headers.values(named: "x-forwarded-for") == ["198.51.100.9", "10.0.0.1"])
        #expect(request.headers["x-prometheus-remote-write-version"] == "0.1.0")
        #expect(request.requestID == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef")
        #expect(request.sourceIP == "198.51.100.9")
    }

    @Test func v1WithoutBase64FlagIsPlainUTF8() throws {
        let request = try decode("v1_plain_no_base64_flag.json")
        #expect(request.version == .v1)
        #expect(!request.isBase64Encoded)
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"test":"body","snow":"☃"}"#)
        #expect(hex(request.body) == (try pythonBody("v1_plain_no_base64_flag.json")))
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["x-prometheus-remote-read-version"] == "0.1.0")
        #expect(request.path == "/hello/world")
    }

    @Test func v1MixedCaseHeadersAndNullContext() throws {
        let request = try decode("v1_mixed_case_headers.json")
        #expect(request.version == .v1)
        #expect(request.headers["host"] == "api.example.com")
        #expect(request.headers["X-Prometheus-Remote-Read-Version"] == "0.1.0")
        #expect(request.headers.entries.map(\.name) == ["Content-Type", "HOST", "x-prometheus-REMOTE-read-version"])
        #expect(request.body.isEmpty)
        #expect(request.requestID == "")
        #expect(request.sourceIP == nil)
    }

    @Test func invalidBase64IsATypedErrorWithAReason() throws {
        let error = #expect(throws: APIGatewayEventError.self) { try decode("v2_invalid_base64.json") }
        #expect(error == .invalidBase64Body(.invalidCharacter(offset: 4)))
        #expect(error?.reason == "body is not valid base64: invalid base64 character at offset 4")
    }

    @Test func wrongTypesAndMissingFieldsAreTyped() throws {
        #expect(throws: APIGatewayEventError.self) { try decode("not_an_event.json") }
        #expect(throws: APIGatewayEventError.missingField("requestContext.http.method")) {
            try APIGatewayRequest(eventJSON: Array(#"{"version":"2.0","rawPath":"/write"}"#.utf8))
        }
        #expect(throws: APIGatewayEventError.missingField("httpMethod")) {
            try APIGatewayRequest(eventJSON: Array(#"{"path":"/write","headers":null}"#.utf8))
        }
        #expect(throws: APIGatewayEventError.self) { try APIGatewayRequest(eventJSON: Array("not json".utf8)) }
        #expect(throws: APIGatewayEventError.self) { try APIGatewayRequest(eventJSON: []) }
    }

    @Test func nullHeaderValuesAreSkipped() throws {
        let v1 = try APIGatewayRequest(
            eventJSON: Array(
                #"{"path":"/w","httpMethod":"POST","headers":{"A":null,"B":"1"},"multiValueHeaders":{"C":null,"D":[null,"2"]}}"#
                    .utf8))
        #expect(v1.headers == APIGatewayHeaders([(name: "D", value: "2")]))
        let v2 = try APIGatewayRequest(
            eventJSON: Array(
                #"{"version":"2.0","rawPath":"/w","requestContext":{"http":{"method":"POST"}},"headers":{"a":null,"b":"1"},"cookies":[null,"k=v"]}"#
                    .utf8))
        #expect(v2.headers == APIGatewayHeaders([(name: "b", value: "1"), (name: "cookie", value: "k=v")]))
    }

    @Test func versionIsToldExplicitly() throws {
        // A "1.0" HTTP API event and a v1 event without version are both v1, even with a rawPath present.
        let v1 = try APIGatewayRequest(
            eventJSON: Array(
                #"{"version":"1.0","rawPath":"/ignored","path":"/write","httpMethod":"POST"}"#.utf8))
        #expect(v1.version == .v1)
        #expect(v1.path == "/write")
        let v2 = try APIGatewayRequest(
            eventJSON: Array(
                #"{"version":"2.0","requestContext":{"http":{"method":"POST","path":"/fallback"}}}"#.utf8))
        #expect(v2.version == .v2)
        #expect(v2.path == "/fallback")
    }
}
