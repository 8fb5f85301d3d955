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

    /// Answers one request whole (a front door that sends answers in one piece: the Lambda function). Every
    /// Prometheus-facing problem is an HTTP answer; nothing throws. Read answers are capped at
    /// `ConnectorConfig.maxReadSamples` samples (413 past it).
    /// - Parameters:
    ///   - deadline: when the caller stops waiting (the front door keeps its own margin).
    ///   - credentials: where the Timestream calls' credentials come from.
    /// - Returns: the answer and what the request did (`requestID` and `durationMilliseconds` are the front
    ///   door's to fill).
    public func respond(to request: ServiceRequest, deadline: Deadline, credentials: CredentialSource)
        -> (response: ServiceResponse, summary: InvocationSummary)
    {
        let buffer = BufferedResponse()
        var summary = serve(
            request, deadline: deadline, credentials: credentials, into: buffer, streamedSampleCap: config.maxReadSamples)
        let response = buffer.response
        if summary.aborted {  // nothing was sent: the buffer answers with the abort's error instead
            summary.aborted = false
            summary.reason = InvocationSummary.reason(response.body.bytes)
        }
        return (response, summary)
    }

    /// Answers one request into `sink` as the answer is produced (a front door that streams: a STREAMED_XOR_CHUNKS
    /// read goes out frame by frame as Timestream's pages arrive, without a cap). When `summary.aborted`, the
    /// answer started and then failed: the front door must break the response, not end it.
    package func respond(
        to request: ServiceRequest, deadline: Deadline, credentials: CredentialSource, into sink: ResponseSink
    ) -> InvocationSummary {
        serve(request, deadline: deadline, credentials: credentials, into: sink, streamedSampleCap: nil)
    }

    private func serve(
        _ request: ServiceRequest, deadline: Deadline, credentials: CredentialSource, into sink: ResponseSink,
        streamedSampleCap: Int?
    ) -> InvocationSummary {
        let tally = CallTally()
        let recorder = RecordingSink(sink)
        var summary = InvocationSummary(requestID: "", route: "-", status: 0)
        if let response = route(
            request, deadline: deadline, credentials: credentials, tally: tally, into: recorder,
            streamedSampleCap: streamedSampleCap, summary: &summary)
        {
            try? recorder.start(response)
        }
        summary.status = recorder.status
        summary.aborted = recorder.aborted
        summary.timestreamCalls = tally.callsSent
        summary.timestreamRetries = tally.retriesSent
        summary.reason = recorder.reason
        return summary
    }

    /// The answer, or nil when the handler has written it to `sink` itself (a read).
    private func route(
        _ request: ServiceRequest, deadline: Deadline, credentials source: CredentialSource, tally: CallTally,
        into sink: ResponseSink, streamedSampleCap: Int?, summary: inout InvocationSummary
    ) -> ServiceResponse? {
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
            summary.skippedSeries = outcome.skippedSeries
            summary.samplesRejected = outcome.rejected
            summary.samplesFailed = outcome.failed
            summary.histogramsReceived = outcome.stats.histogramsReceived
            summary.histogramsConverted = outcome.stats.histogramsConverted
            return outcome.reply
        case .read:
            let outcome = reader.handle(
                body: request.body, credentials: credentials, usingOwnIdentity: source.isOwnIdentity,
                deadline: deadline, regexDialect: RegexDialect(userAgent: request.header("User-Agent")), tally: tally,
                into: sink, streamedSampleCap: streamedSampleCap)
            summary.queries = outcome.queries
            summary.series = outcome.series
            summary.samplesReturned = outcome.samples
            summary.responseType = outcome.answer?.logName ?? "none"
            return nil
        }
    }
}

/// Passes an answer on and remembers its status, its reason (4xx/5xx) and whether it was aborted, for the summary.
private final class RecordingSink: ResponseSink {
    private let sink: ResponseSink
    private(set) var status = 0
    private(set) var reason: String? = nil
    private(set) var aborted = false

    init(_ sink: ResponseSink) { self.sink = sink }

    func start(_ response: ServiceResponse) throws {
        status = response.statusCode
        if response.statusCode >= 400 { reason = String(decoding: response.body.bytes.prefix(512), as: UTF8.self) }
        try sink.start(response)
    }

    func send(_ part: [UInt8]) throws { try sink.send(part) }

    func abort(_ answer: ServiceResponse) {
        status = answer.statusCode
        reason = "answer aborted after it started: " + InvocationSummary.reason(answer.body.bytes)
        aborted = true
        sink.abort(answer)
    }
}
