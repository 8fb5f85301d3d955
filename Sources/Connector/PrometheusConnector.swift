import AWS
import LambdaRuntime

/// The Lambda function: an API Gateway event in, an API Gateway response out. Decodes the event, routes it,
/// takes the caller's credentials, runs the write or read handler under the invocation's deadline, and reports
/// each invocation once: a log line and an EMF metrics line. Built once per cold start (config, HTTP client,
/// endpoint cache live as long as the process).
public final class PrometheusConnector {
    /// Time kept back from the invocation deadline to answer before Lambda stops the invocation.
    public static let deadlineReserveMilliseconds: Int64 = 500

    private let config: ConnectorConfig
    private let timestream: TimestreamService
    private let writer: RemoteWriteHandler
    private let reader: RemoteReadHandler
    private let functionCredentials: Result<Credentials, CredentialsError>?
    private let log: Logger
    private let metrics: EmbeddedMetrics
    private let now: () -> Int64

    /// - Parameters:
    ///   - functionCredentials: the role's credentials from the environment, used when `enable_sigv4_auth` is on.
    ///   - now: wall clock in epoch milliseconds (Lambda deadlines are epoch milliseconds).
    public init(
        config: ConnectorConfig, timestream: TimestreamService,
        functionCredentials: Result<Credentials, CredentialsError>?, log: Logger, metrics: EmbeddedMetrics,
        now: @escaping () -> Int64
    ) {
        self.config = config
        self.timestream = timestream
        self.writer = RemoteWriteHandler(config: config, timestream: timestream, log: log)
        self.reader = RemoteReadHandler(config: config, timestream: timestream)
        self.functionCredentials = functionCredentials
        self.log = log
        self.metrics = metrics
        self.now = now
    }

    /// Serves one invocation. Throws only when the event is not an API Gateway proxy event at all (reported on
    /// the invocation's `/error`); every Prometheus-facing problem is an HTTP answer.
    public func handle(_ context: InvocationContext, _ event: [UInt8]) throws(APIGatewayEventError) -> [UInt8] {
        let started = now()
        let callsBefore = timestream.callsSent, retriesBefore = timestream.retriesSent
        var summary = InvocationSummary(requestID: context.requestID, route: "-", status: 0)
        let reply: APIGatewayResponse
        let version: APIGatewayPayloadVersion
        do {
            let request = try APIGatewayRequest(eventJSON: event)
            version = request.version
            reply = respond(to: request, context: context, started: started, summary: &summary)
        } catch .invalidBase64Body(let error) {
            // Both payload versions accept the v2 response shape.
            version = .v2
            reply = .text(400, "body is not valid base64 (\(error)): send the raw snappy body")
        }
        summary.status = reply.statusCode
        summary.durationMilliseconds = now() - started
        summary.timestreamCalls = timestream.callsSent - callsBefore
        summary.timestreamRetries = timestream.retriesSent - retriesBefore
        if reply.statusCode >= 400 { summary.reason = String(decoding: reply.body.prefix(512), as: UTF8.self) }
        report(summary)
        return reply.encoded(for: version)
    }

    func respond(
        to request: APIGatewayRequest, context: InvocationContext, started: Int64, summary: inout InvocationSummary
    ) -> APIGatewayResponse {
        let route: Route
        switch Route.resolve(method: request.method, path: request.path, header: { request.headers[$0] }) {
        case .failure(let refusal): return refusal.response
        case .success(let value): route = value
        }
        summary.route = route.rawValue
        let credentials: Credentials
        switch resolveCredentials(request) {
        case .failure(let refusal): return refusal.response
        case .success(let value): credentials = value
        }
        // The earlier of Lambda's deadline and API Gateway's timeout: past either, nobody reads the answer.
        let gatewayDeadline = config.gatewayTimeoutMilliseconds.map { started + $0 } ?? .max
        let deadline = Deadline(
            epochMilliseconds: min(context.deadlineEpochMilliseconds, gatewayDeadline) - Self.deadlineReserveMilliseconds)
        switch route {
        case .write:
            let outcome = writer.handle(
                body: request.body, contentType: request.headers["Content-Type"],
                contentEncoding: request.headers["Content-Encoding"], credentials: credentials, deadline: deadline)
            summary.writeProtocol = outcome.message?.rawValue
            summary.series = outcome.stats.series
            summary.samplesReceived = outcome.stats.samplesReceived
            summary.samplesWritten = outcome.written.records
            summary.skipped = outcome.stats.skipped
            summary.samplesRejected = outcome.rejected
            summary.samplesFailed = outcome.failed
            summary.histogramsReceived = outcome.stats.histogramsReceived
            summary.histogramsConverted = outcome.stats.histogramsConverted
            return outcome.reply
        case .read:
            let outcome = reader.handle(
                body: request.body, credentials: credentials, deadline: deadline,
                regexDialect: RegexDialect(userAgent: request.headers["User-Agent"]))
            summary.queries = outcome.queries
            summary.series = outcome.series
            summary.samplesReturned = outcome.samples
            summary.responseType = outcome.answer?.logName ?? "none"
            return outcome.reply
        }
    }

    /// Per request, never shared: the caller's basic-auth key pair (and optional session token), or the
    /// function's own role when `enable_sigv4_auth` is on (API Gateway then authenticated the caller with IAM).
    func resolveCredentials(_ request: APIGatewayRequest) -> Result<Credentials, Refusal> {
        if config.useFunctionCredentials {
            switch functionCredentials {
            case .success(let credentials)?: return .success(credentials)
            case .failure(let error)?:
                return .failure(.text(500, "enable_sigv4_auth is on but the function has no role credentials: \(error)"))
            case nil:
                return .failure(.text(500, "enable_sigv4_auth is on but the function has no role credentials"))
            }
        }
        do {
            return .success(try Credentials.fromRequestHeaders(request.headers.entries))
        } catch {
            var reply = APIGatewayResponse.text(
                401,
                "\(error): configure basic_auth in prometheus.yml with the AWS access key id as username and the secret access key as password")
            reply.headers.append((name: "WWW-Authenticate", value: "Basic realm=\"timestream\""))
            return .failure(Refusal(reply))
        }
    }

    /// One log line (error level for 5xx, warn for 4xx) and one EMF line per invocation.
    private func report(_ summary: InvocationSummary) {
        let level: ConnectorConfig.LogLevel = summary.status >= 500 ? .error : (summary.status >= 400 ? .warn : .info)
        log.log(level, "invocation", summary.logFields)
        metrics.emit(summary, timestampMilliseconds: now())
    }
}
