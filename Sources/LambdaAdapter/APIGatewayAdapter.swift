import AWS
import CurlHTTP
import Connector
import LambdaRuntime

/// The Lambda front door: an API Gateway event in, an API Gateway response out. Decodes the event into a
/// `ServiceRequest`, gives the service the invocation's deadline and the credential source the configuration
/// names, applies Lambda's 6 MB response limit, encodes the answer for the event's payload version, and reports
/// each invocation once: a log line and an EMF metrics line. Built once per cold start and shared by every
/// invocation loop: it keeps no per-invocation state.
public final class APIGatewayAdapter: Sendable {
    /// Time kept back from the invocation deadline to answer before Lambda stops the invocation.
    static let deadlineReserveMilliseconds: Int64 = 500

    private let service: ConnectorService
    private let credentials: CredentialSource
    private let gatewayTimeoutMilliseconds: Int64?
    private let log: Logger
    private let metrics: EmbeddedMetrics
    private let now: @Sendable () -> Int64

    /// - Parameters:
    ///   - credentials: the caller's basic auth, or the function's role when `enable_sigv4_auth` is on.
    ///   - gatewayTimeoutMilliseconds: API Gateway's integration timeout (`api_gateway_timeout_ms`), if known.
    ///   - now: wall clock in epoch milliseconds (Lambda deadlines are epoch milliseconds).
    public init(
        service: ConnectorService, credentials: CredentialSource, gatewayTimeoutMilliseconds: Int64?, log: Logger,
        metrics: EmbeddedMetrics, now: @escaping @Sendable () -> Int64
    ) {
        self.service = service
        self.credentials = credentials
        self.gatewayTimeoutMilliseconds = gatewayTimeoutMilliseconds
        self.log = log
        self.metrics = metrics
        self.now = now
    }

    /// Serves one invocation. Throws only when the event is not an API Gateway proxy event at all (reported on
    /// the invocation's `/error`); every Prometheus-facing problem is an HTTP answer.
    public func handle(_ context: InvocationContext, _ event: [UInt8]) throws(APIGatewayEventError) -> [UInt8] {
        let started = now()
        var summary = InvocationSummary(requestID: context.requestID, route: "-", status: 0)
        summary.traceID = context.traceID
        let reply: APIGatewayResponse
        let version: APIGatewayPayloadVersion
        do {
            let request = try APIGatewayRequest(eventJSON: event)
            version = request.version
            if let refusal = Self.bodyPassedAsText(request) {
                summary.record(status: refusal.statusCode, body: refusal.body)
                summary.durationMilliseconds = now() - started
                report(summary)
                return refusal.encoded(for: version)
            }
            // The earlier of Lambda's deadline and API Gateway's timeout: past either, nobody reads the answer. The
            // gateway's runs from when it received the request (cold start and invoke included), as the event
            // says — unless that is later than now (clock skew) or a whole timeout ago: no live request is that
            // old, so the event is a replay (`sam local invoke` with `events/`, a test) and counts from now.
            let gatewayDeadline = gatewayTimeoutMilliseconds.map { timeout in
                let received = request.receivedEpochMilliseconds.flatMap { $0 <= started && started - $0 < timeout ? $0 : nil }
                return (received ?? started) + timeout
            } ?? .max
            let deadline = Deadline(
                epochMilliseconds: min(context.deadlineEpochMilliseconds, gatewayDeadline)
                    - Self.deadlineReserveMilliseconds)
            let served = service.respond(
                to: ServiceRequest(
                    method: request.method, path: request.path, headers: request.headers.entries, body: request.body),
                deadline: deadline, credentials: credentials)
            summary = served.summary
            summary.requestID = context.requestID
            summary.traceID = context.traceID
            reply = LambdaResponseLimit.apply(to: served.response, summary: summary)
        } catch .invalidBase64Body(let error) {
            // Both payload versions accept the v2 response shape.
            version = .v2
            reply = .text(400, "body is not valid base64 (\(error)): send the raw snappy body")
        }
        if reply.statusCode >= 400 { summary.reason = nil }  // the answer as sent: a 413 may replace the service's
        summary.record(status: reply.statusCode, body: reply.body)
        summary.durationMilliseconds = now() - started
        report(summary)
        return reply.encoded(for: version)
    }

    /// A REST API (payload 1.0) without binary media types hands the function a snappy body as UTF-8 text, its
    /// bytes already replaced where they were not UTF-8: no decoding can recover it, and a 400 would make
    /// Prometheus drop every batch while the API is misconfigured. 500 instead, saying what to set (Prometheus
    /// retries). An HTTP API (2.0) base64-encodes such bodies itself.
    private static func bodyPassedAsText(_ request: APIGatewayRequest) -> APIGatewayResponse? {
        guard request.version == .v1, !request.isBase64Encoded, !request.body.isEmpty,
            let encoding = request.headers["Content-Encoding"], asciiCaseInsensitiveEquals(encoding, "snappy")
        else { return nil }
        return .text(
            500,
            "API Gateway passed the snappy body as text (isBase64Encoded false), which loses its bytes: set the REST API's binaryMediaTypes to */* and redeploy it; Prometheus keeps the data meanwhile")
    }

    /// One log line (error level for 5xx, warn for 4xx) and one EMF line per invocation.
    private func report(_ summary: InvocationSummary) {
        log.report(summary, "invocation")
        metrics.emit(summary, timestampMilliseconds: now())
    }
}
