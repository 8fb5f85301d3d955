import Foundation
import Testing

@testable import LambdaRuntime

/// What Python's json module reads back from an encoded response.
struct ParsedResponse: Decodable, Equatable {
    var keys: [String]
    var statusCode: Int
    var headers: [String: String]?
    var multiValueHeaders: [String: [String]]?
    var isBase64Encoded: Bool
    var bodyHex: String
}

@Suite("API Gateway responses, parsed back by Python")
struct APIGatewayResponseTests {
    func parse(_ response: APIGatewayResponse, _ version: APIGatewayPayloadVersion) throws -> ParsedResponse {
        let output = try OracleJSON.text("response", input: response.encoded(for: version))
        return try JSONDecoder().decode(ParsedResponse.self, from: Data(output.utf8))
    }

    @Test func binaryBodyIsBase64InBothVersions() throws {
        let body: [UInt8] = Array(0...255) + [0xFF, 0x00]
        let response = APIGatewayResponse(
            statusCode: 200,
            headers: [
                (name: "Content-Type", value: "application/x-protobuf"), (name: "Content-Encoding", value: "snappy"),
            ], body: body)
        #expect(response.isBinaryBody)
        let v2 = try parse(response, .v2)
        #expect(
            v2
                == ParsedResponse(
                    keys: ["body", "headers", "isBase64Encoded", "statusCode"], statusCode: 200,
                    headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"],
                    multiValueHeaders: nil, isBase64Encoded: true, bodyHex: hex(body)))
        let v1 = try parse(response, .v1)
        #expect(
            v1
                == ParsedResponse(
                    keys: ["body", "isBase64Encoded", "multiValueHeaders", "statusCode"], statusCode: 200, headers: nil,
                    multiValueHeaders: ["Content-Type": ["application/x-protobuf"], "Content-Encoding": ["snappy"]],
                    isBase64Encoded: true, bodyHex: hex(body)))
    }

    @Test func textBodyIsPlainAndEscaped() throws {
        let message = "bad request: label \"job\"\nvalue \\ tab\t nul\u{0} ☃ 𝄞"
        let response = APIGatewayResponse.text(400, message)
        #expect(!response.isBinaryBody)
        for version in [APIGatewayPayloadVersion.v1, .v2] {
            let parsed = try parse(response, version)
            #expect(parsed.statusCode == 400)
            #expect(!parsed.isBase64Encoded)
            #expect(parsed.bodyHex == hex(Array(message.utf8)))
        }
        #expect(try parse(response, .v2).headers == ["Content-Type": "text/plain; charset=utf-8"])
    }

    @Test func emptyBodyAndRepeatedHeaders() throws {
        let response = APIGatewayResponse(
            statusCode: 503,
            headers: [
                (name: "Retry-After", value: "5"), (name: "X-Reason", value: "throttled"),
                (name: "x-reason", value: "5xx"),
            ])
        let v1 = try parse(response, .v1)
        #expect(v1.statusCode == 503)
        #expect(v1.multiValueHeaders == ["Retry-After": ["5"], "X-Reason": ["throttled", "5xx"]])
        #expect(v1.bodyHex == "")
        #expect(!v1.isBase64Encoded)
        let v2 = try parse(response, .v2)
        #expect(v2.headers == ["Retry-After": "5", "X-Reason": "throttled,5xx"])
        #expect(
            APIGatewayResponse(statusCode: 204).encoded(for: .v2)
                == Array(
                    #"{"statusCode":204,"headers":{},"body":"","isBase64Encoded":false}"#.utf8))
    }

    @Test func invalidUTF8WithoutContentTypeIsBinary() throws {
        let response = APIGatewayResponse(statusCode: 200, body: [0x61, 0xC3, 0x28])
        #expect(response.isBinaryBody)
        let parsed = try parse(response, .v2)
        #expect(parsed.isBase64Encoded)
        #expect(parsed.bodyHex == "61c328")
    }

    @Test func jsonBodyStaysText() throws {
        let response = APIGatewayResponse(
            statusCode: 200, headers: [(name: "content-type", value: "application/json; charset=utf-8")],
            body: Array(#"{"a":"\u0001"}"#.utf8))
        #expect(!response.isBinaryBody)
        #expect(try parse(response, .v2).bodyHex == hex(Array(#"{"a":"\u0001"}"#.utf8)))
    }
}
