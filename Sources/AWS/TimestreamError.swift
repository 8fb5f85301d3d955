import CurlHTTP

/// A record Timestream refused in a WriteRecords call (`RejectedRecordsException`).
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_RejectedRecord.html
package struct RejectedRecord: Equatable, Sendable {
    /// Index of the record in the request's `Records`.
    package var recordIndex: Int
    package var reason: String
    /// Version of the record already stored, when the rejection is a version conflict.
    var existingVersion: Int64?

    package init(recordIndex: Int, reason: String, existingVersion: Int64? = nil) {
        self.recordIndex = recordIndex
        self.reason = reason
        self.existingVersion = existingVersion
    }
}

/// Why a Timestream call failed, classified for the caller's status code (503 vs 4xx) and for retries.
public struct TimestreamError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The service's error code (`__type` after `#`, e.g. `ThrottlingException`), or `Transport` (no response),
    /// `DeadlineExceeded` (no time left for an attempt), `HTTP<status>` (a body we could not read),
    /// `InvalidResponse` (a 2xx body we could not read), `Aborted` (the page handler threw).
    package var code: String
    package var message: String
    /// HTTP status, `nil` when there was no response.
    var httpStatus: Int?
    /// Filled for `RejectedRecordsException`.
    package var rejectedRecords: [RejectedRecord]
    /// Transient: retrying the identical call may succeed (throttling, 5xx, network, timeouts).
    package var isRetryable: Bool
    /// The credentials were refused (401/403 and the auth error codes).
    package var isAuthFailure: Bool
    /// The database or table does not exist: WriteRecords' `ResourceNotFoundException`, or Query's
    /// `ValidationException` "Requested database 'abc' not found for identifier 'abc.t' at line 1:36" (Query has no
    /// ResourceNotFoundException).
    package var isMissingTable: Bool {
        code == "ResourceNotFoundException" || (code == "ValidationException" && message.contains("not found for identifier"))
    }
    /// `DescribeEndpoints` itself was refused (neither throttled nor a credential problem): the region or the
    /// discovery endpoint is wrong, a deployment error rather than bad data.
    package var isDiscoveryFailure = false

    init(
        code: String, message: String, httpStatus: Int? = nil, rejectedRecords: [RejectedRecord] = [],
        isRetryable: Bool, isAuthFailure: Bool = false
    ) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.rejectedRecords = rejectedRecords
        self.isRetryable = isRetryable
        self.isAuthFailure = isAuthFailure
    }

    /// An error with `isRetryable`/`isAuthFailure` derived from the code and status.
    static func classified(
        code: String, message: String, httpStatus: Int?, rejectedRecords: [RejectedRecord] = []
    ) -> TimestreamError {
        TimestreamError(
            code: code, message: message, httpStatus: httpStatus, rejectedRecords: rejectedRecords,
            isRetryable: retryableCodes.contains(code) || retryableStatuses.contains(httpStatus ?? 0)
                || (httpStatus ?? 0) >= 500,
            // A bare 401/403 page (no AWS error type: a proxy, a WAF, a wrong endpoint URL) is not Timestream's word
            // on the credentials.
            isAuthFailure: authFailureCodes.contains(code)
                || ((httpStatus == 401 || httpStatus == 403) && !isUntyped(code: code, httpStatus: httpStatus)))
    }

    /// A failure below HTTP. Everything but an unsendable request is transient.
    static func transport(_ error: TransportError) -> TimestreamError {
        if case .invalidRequest = error {
            return TimestreamError(code: "Transport", message: error.description, isRetryable: false)
        }
        return TimestreamError(code: "Transport", message: error.description, isRetryable: true)
    }

    /// The caller's deadline left no time for (another) attempt.
    static func deadlineExceeded(_ message: String) -> TimestreamError {
        TimestreamError(code: "DeadlineExceeded", message: message, isRetryable: true)
    }

    /// An HTTP error answer that carries no AWS error type (no JSON `__type`, no `X-Amzn-ErrorType`, no XML
    /// `Code`): not Timestream's refusal but whatever stands at the configured endpoint — a wrong
    /// `AWS_ENDPOINT_URL…`, a proxy's 407, a load balancer's 404 page. Nothing about the data.
    package var isNotAnAWSAnswer: Bool { Self.isUntyped(code: code, httpStatus: httpStatus) }

    /// Whether `code` is the one `ErrorResponseDecoding` gives an answer without an AWS error type.
    static func isUntyped(code: String, httpStatus: Int?) -> Bool { httpStatus.map { code == "HTTP\($0)" } ?? false }

    /// AWS refused the request's signing time, not its key: this host's clock is more than 5 minutes off
    /// ("Signature expired: … is now earlier than …", "Signature not yet current", the skew codes the SDKs correct
    /// for). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
    package var isClockSkew: Bool {
        Self.clockSkewCodes.contains(code) || message.contains("Signature expired")
            || message.contains("Signature not yet current")
    }

    static let clockSkewCodes: Set<String> = ["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"]

    /// Nothing in the data is at fault: the request could not be sent (curl refused its URL: a region or endpoint
    /// with a space or control character), the service at the endpoint has no such operation (another AWS service
    /// behind an `AWS_ENDPOINT_URL…`), or it could not read the request's encoding (ours).
    package var isNotAboutTheData: Bool {
        (code == "Transport" && !isRetryable) || Self.requestNotUnderstoodCodes.contains(code)
    }

    static let requestNotUnderstoodCodes: Set<String> = ["UnknownOperationException", "SerializationException"]

    /// Timestream's `InvalidEndpointException` (421): the discovered endpoint is stale, discover again.
    var isInvalidEndpoint: Bool { code == "InvalidEndpointException" || httpStatus == 421 }

    // Throttling and server-side codes of the Timestream API reference, plus the SDKs' generic throttling and
    // transient codes (botocore's retry handler lists the same), whatever status carries them.
    // https://docs.aws.amazon.com/timestream/latest/developerguide/API_WriteRecords.html#API_WriteRecords_Errors
    static let retryableCodes: Set<String> = [
        "ThrottlingException", "InternalServerException", "ServiceUnavailable", "ServiceUnavailableException",
        "RequestTimeout", "RequestTimeoutException", "InvalidEndpointException", "Throttling",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "ThrottledException",
        "RequestThrottledException", "RequestThrottled", "RequestLimitExceeded", "BandwidthLimitExceeded", "SlowDown",
        "PriorRequestNotComplete", "TransactionInProgressException", "LimitExceededException", "EC2ThrottledException",
    ]
    /// Besides every 5xx: whatever answered, a server's failure is never the caller's data to drop.
    static let retryableStatuses: Set<Int> = [408, 421, 429]
    static let authFailureCodes: Set<String> = [
        "UnrecognizedClientException", "InvalidSignatureException", "AccessDeniedException", "AccessDenied",
        "SignatureDoesNotMatch", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
        "MissingAuthenticationToken", "IncompleteSignature", "IncompleteSignatureException", "NotAuthorized",
    ]

    public var description: String {
        var text = code
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if !message.isEmpty { text += ": \(message)" }
        if !rejectedRecords.isEmpty {
            let shown = rejectedRecords.prefix(3).map { "record \($0.recordIndex): \($0.reason)" }
            text +=
                " [\(rejectedRecords.count) rejected: \(shown.joined(separator: "; "))"
                + (rejectedRecords.count > 3 ? "; …]" : "]")
        }
        return text
    }
}
