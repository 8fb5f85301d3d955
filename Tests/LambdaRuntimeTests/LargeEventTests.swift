import Foundation
import Testing
import TextCodecs

@testable import LambdaRuntime

@Suite("Large API Gateway bodies")
struct LargeEventTests {
    /// API Gateway's payload limit is 10 MB and Lambda's 6 MB: a 4.4 MB binary body is ~5.9 MB of base64.
    @Test func sixMegabyteBase64EventDecodesExactly() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // xorshift: fast, and every byte value occurs
        let body = (0..<4_400_000).map { _ -> UInt8 in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 32)
        }
        let b64 = Base64.encode(body)
        let event =
            Array(
                #"{"version":"2.0","rawPath":"/write","requestContext":{"http":{"method":"POST"}},"isBase64Encoded":true,"body":""#
                    .utf8)
            + b64 + Array(#""}"#.utf8)
        let clock = ContinuousClock()
        var request: APIGatewayRequest?
        let elapsed = try clock.measure { request = try APIGatewayRequest(eventJSON: event) }
        #expect(request?.body == body)
        print("decoded a \(event.count)-byte event in \(elapsed)")
        let response = APIGatewayResponse(
            statusCode: 200, headers: [(name: "Content-Encoding", value: "snappy")], body: body)
        var encoded: [UInt8] = []
        let encodeElapsed = clock.measure { encoded = response.encoded(for: .v2) }
        #expect(
            encoded.count == b64.count
                + #"{"statusCode":200,"headers":{"Content-Encoding":"snappy"},"body":"","isBase64Encoded":true}"#.utf8
                .count)
        print("encoded a \(encoded.count)-byte response in \(encodeElapsed)")
    }
}
