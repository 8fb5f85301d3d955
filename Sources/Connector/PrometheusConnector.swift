import AWS
import LambdaRuntime

/// The Lambda function: an API Gateway event in, an API Gateway response out. Decodes the event, routes it,
/// takes the caller's credentials, runs the write or read handler under the invocation's deadline, and logs one
/// line per invocation. Built once per cold start (config, HTTP client, endpoint cache live as long as the process).
public final class PrometheusConnector {
    /// Time kept back from the invocation deadline to answer before Lambda stops the invocation.
    public static let deadlineReserveMilliseconds: Int64 = 500

    private let config: ConnectorConfig
    private let writer: RemoteWriteHandler
    private let reader: RemoteReadHandler
    private let functionCredentials: Result<Credentials, CredentialsError>?
    private let log: Logger
    private let now: () -> Int64

    /// - Parameters:
    ///   - functionCredentials: the role's credentials from the environment, used when `enable_sigv4_auth` is on.
    ///   - now: wall clock in epoch milliseconds (Lambda deadlines are epoch milliseconds).
    public init(
        config: ConnectorConfig, timestream: TimestreamWriting & TimestreamQuerying,
        functionCredentials: Result<Credentials, CredentialsError>?, log: Logger, now: @escaping () -> Int64
    ) {
        self.config = config
        self.writer = RemoteWriteHandler(config: config, timestream: timestream, log: log)
        self.reader = RemoteReadHandler(config: config, timestream: timestream)
        self.functionCredentials = functionCredentials
        self.log = log
        self.now = now
    }

    /// Serves one invocation. Throws only when the event is not an API Gateway proxy event at all (reported on
    /// the invocation's `/error`); every Prometheus-facing problem is an HTTP answer.
    public func handle(_ context: InvocationContext, _ event: [UInt8]) throws(APIGatewayEventError) -> [UInt8] {
        let started = now()
        let request: APIGatewayRequest
        do {
            request = try APIGatewayRequest(eventJSON: event)
        } catch .invalidBase64Body(let error) {
            // Both payload versions accept the v2 response shape.
            let reply = APIGatewayResponse.text(400, "body is not valid base64 (\(error)): send the raw snappy body")
            logLine(context: context, route: "-", status: 400, started: started, fields: [("reason", "invalid_base64")])
            return reply.encoded(for: .v2)
        }
        let reply = respond(to: request, context: context, started: started)
        return reply.encoded(for: request.version)
    }

    func respond(to request: APIGatewayRequest, context: InvocationContext, started: Int64) -> APIGatewayResponse {
        let route: Route
        switch Route.resolve(method: request.method, path: request.path, header: { request.headers[$0] }) {
        case .failure(let refusal):
            logLine(context: context, route: "-", status: refusal.response.statusCode, started: started, fields: [("path", request.path)])
            return refusal.response
        case .success(let value): route = value
        }
        let credentials: Credentials
        switch resolveCredentials(request) {
        case .failure(let refusal):
            logLine(context: context, route: route.rawValue, status: refusal.response.statusCode, started: started, fields: [])
            return refusal.response
        case .success(let value): credentials = value
        }
        let deadline = Deadline(epochMilliseconds: context.deadlineEpochMilliseconds - Self.deadlineReserveMilliseconds)
        switch route {
        case .write:
            let outcome = writer.handle(
                body: request.body, contentType: request.headers["Content-Type"],
                contentEncoding: request.headers["Content-Encoding"], credentials: credentials, deadline: deadline)
            var fields: [Logger.Field] = [
                ("proto", outcome.message?.rawValue ?? "-"), ("series", String(outcome.stats.series)), ("samples_received", String(outcome.stats.samplesReceived)),
                ("samples_written", String(outcome.reply.statusCode < 300 ? outcome.stats.samplesToWrite : 0)),
                ("samples_skipped", String(outcome.stats.samplesSkipped)), ("timestream_calls", String(outcome.calls)),
            ]
            for reason in outcome.stats.skipped.keys.sorted() {
                fields.append(("skipped_" + reason.rawValue, String(outcome.stats.skipped[reason] ?? 0)))
            }
            logLine(context: context, route: "write", status: outcome.reply.statusCode, started: started, fields: fields, reply: outcome.reply)
            return outcome.reply
        case .read:
            let outcome = reader.handle(body: request.body, credentials: credentials, deadline: deadline)
            logLine(
                context: context, route: "read", status: outcome.reply.statusCode, started: started,
                fields: [
                    ("queries", String(outcome.queries)), ("series", String(outcome.series)),
                    ("samples", String(outcome.samples)), ("timestream_calls", String(outcome.calls)),
                ], reply: outcome.reply)
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

    private func logLine(
        context: InvocationContext, route: String, status: Int, started: Int64, fields: [Logger.Field],
        reply: APIGatewayResponse? = nil
    ) {
        let level: ConnectorConfig.LogLevel = status >= 500 ? .error : (status >= 400 ? .warn : .info)
        guard log.isEnabled(level) else { return }
        var all: [Logger.Field] = [("request_id", context.requestID), ("route", route), ("status", String(status))]
        all += fields
        all.append(("duration_ms", String(now() - started)))
        if let reply, status >= 400 { all.append(("reason", String(decoding: reply.body.prefix(512), as: UTF8.self))) }
        log.log(level, "invocation", all)
    }
}
