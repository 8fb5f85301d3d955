import AWS
import TimestreamTranslation

/// The connector behind any front door: an HTTP request in, an HTTP response out. It routes (`…/write`,
/// `…/read`), takes the credentials where the front door says, and runs the remote-write or remote-read handler
/// under the deadline it is given. I/O is Timestream's, through `TimestreamService`; no globals: the front door
/// hands in the configuration, the clock and each request's deadline, and reports (logs) each request from the
/// returned `InvocationSummary`.
///
/// Concurrency: the service and its handlers hold immutable values, the (thread-safe) Timestream client and the
/// table's column cache (behind a mutex), so any number of threads may call `respond` at once
/// (`AWS_LAMBDA_MAX_CONCURRENCY` loops share one service); each request counts its own calls (`CallTally`).
public final class ConnectorService: Sendable {
    private let config: ConnectorConfig
    private let timestream: TimestreamService
    private let writer: RemoteWriteHandler
    private let reader: RemoteReadHandler

    /// - Parameter now: wall clock in epoch milliseconds (how old the table's cached description is).
    public init(config: ConnectorConfig, timestream: TimestreamService, now: @escaping @Sendable () -> Int64) {
        self.config = config
        self.timestream = timestream
        self.writer = RemoteWriteHandler(config: config, timestream: timestream)
        self.reader = RemoteReadHandler(config: config, timestream: timestream, now: now)
    }

    /// Answers one request. Every Prometheus-facing problem is an HTTP answer; nothing throws.
    /// - Parameters:
    ///   - deadline: when the caller stops waiting (the front door keeps its own margin).
    ///   - credentials: where the Timestream calls' credentials come from.
    /// - Returns: the answer and what the request did (`requestID` and `durationMilliseconds` are the front
    ///   door's to fill).
    public func respond(to request: ServiceRequest, deadline: Deadline, credentials: CredentialSource)
        -> (response: ServiceResponse, summary: InvocationSummary)
    {
        let tally = CallTally()
        var summary = InvocationSummary(requestID: "", route: "-", status: 0)
        let response = route(request, deadline: deadline, credentials: credentials, tally: tally, summary: &summary)
        summary.status = response.statusCode
        summary.timestreamCalls = tally.callsSent
        summary.timestreamRetries = tally.retriesSent
        if response.statusCode >= 400 { summary.reason = String(decoding: response.body.bytes.prefix(512), as: UTF8.self) }
        return (response, summary)
    }

    private func route(
        _ request: ServiceRequest, deadline: Deadline, credentials source: CredentialSource, tally: CallTally,
        summary: inout InvocationSummary
    ) -> ServiceResponse {
        let route: Route
        switch Route.resolve(method: request.method, path: request.path, header: request.header) {
        case .failure(let refusal): return refusal.response
        case .success(let value): route = value
        }
        summary.route = route.rawValue
        let credentials: Credentials
        switch source.credentials(for: request) {
        case .failure(let refusal): return refusal.response
        case .success(let value): credentials = value
        }
        switch route {
        case .write:
            let outcome = writer.handle(
                body: request.body, contentType: request.header("Content-Type"),
                contentEncoding: request.header("Content-Encoding"), credentials: credentials,
                usingOwnIdentity: source.isOwnIdentity, deadline: deadline, tally: tally)
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
                body: request.body, credentials: credentials, usingOwnIdentity: source.isOwnIdentity,
                deadline: deadline, regexDialect: RegexDialect(userAgent: request.header("User-Agent")), tally: tally)
            summary.queries = outcome.queries
            summary.series = outcome.series
            summary.samplesReturned = outcome.samples
            summary.responseType = outcome.answer?.logName ?? "none"
            return outcome.reply
        }
    }
}
