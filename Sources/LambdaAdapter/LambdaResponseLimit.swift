import Connector
import LambdaRuntime

/// Lambda's synchronous response limit: the whole JSON answer, body included as it is encoded there (base64, or
/// escaped JSON text), must fit in 6 MB. A larger answer is replaced by a 413 that says how to narrow the read (a
/// binary body travels base64 in the Lambda response and as bytes on the wire).
enum LambdaResponseLimit {
    /// Lambda's synchronous response limit (6 MB) for the whole JSON answer.
    static let maxResponseBytes = 6 * 1024 * 1024
    /// Room for the API Gateway response envelope around the base64 body.
    static let envelopeAllowance = 1024

    /// Bytes of `count` bytes as base64 (how a binary body travels in the Lambda answer).
    static func base64Size(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Whether a binary body of `bodyBytes` fits Lambda's 6 MB answer once base64-encoded, envelope included.
    static func fits(bodyBytes: Int) -> Bool {
        base64Size(bodyBytes) + envelopeAllowance <= maxResponseBytes
    }

    /// Bytes the body takes in the Lambda answer: base64 when it travels as binary, else JSON string text, where a
    /// control byte takes up to 6 (`\u0001`) and `"` or `\` 2 (`JSONWriter`'s escapes, RFC 8259 §7).
    static func encodedBodySize(_ reply: APIGatewayResponse) -> Int {
        guard !reply.isBinaryBody else { return base64Size(reply.body.count) }
        var size = 0
        for byte in reply.body { size += byte < 0x20 ? 6 : (byte == 0x22 || byte == 0x5C ? 2 : 1) }
        return size
    }

    /// `response` as an API Gateway response, or a 413 when its body cannot fit as it will be encoded.
    static func apply(to response: ServiceResponse, summary: InvocationSummary) -> APIGatewayResponse {
        let reply = APIGatewayResponse(statusCode: response.statusCode, headers: response.headers, body: response.body.bytes)
        let size = encodedBodySize(reply)
        guard size + envelopeAllowance <= maxResponseBytes else {
            return .text(
                413,
                "the answer (\(summary.samplesReturned) samples in \(summary.series) series, \(size) bytes as the Lambda response carries it) exceeds Lambda's 6 MB response limit: narrow the selector or the time range")
        }
        return reply
    }
}
