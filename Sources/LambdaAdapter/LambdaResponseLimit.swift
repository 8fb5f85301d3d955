import Connector
import LambdaRuntime

/// Lambda's synchronous response limit: the whole JSON answer, base64 body included, must fit in 6 MB. A larger
/// answer is replaced by a 413 that says how to narrow the read (a binary body travels base64 in the Lambda
/// response and as bytes on the wire).
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

    /// `response` as an API Gateway response, or a 413 when its body cannot fit.
    static func apply(to response: ServiceResponse, summary: InvocationSummary) -> APIGatewayResponse {
        let size = response.body.count
        guard fits(bodyBytes: size) else {
            return .text(
                413,
                "the answer (\(summary.samplesReturned) samples in \(summary.series) series, \(base64Size(size)) bytes as base64) exceeds Lambda's 6 MB response limit: narrow the selector or the time range")
        }
        return APIGatewayResponse(statusCode: response.statusCode, headers: response.headers, body: response.body.bytes)
    }
}
