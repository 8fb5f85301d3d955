import TimestreamTranslation
/// What one invocation did, for its log line and its CloudWatch metrics.
public struct InvocationSummary: Equatable, Sendable {
    public var requestID: String
    /// The invocation's X-Ray trace header, when the front door has one (Lambda's `Lambda-Runtime-Trace-Id`).
    public var traceID: String? = nil
    /// `write`, `read`, or `-` when the request was refused before routing.
    public var route: String
    public var status: Int
    public var durationMilliseconds: Int64 = 0
    public var timestreamCalls = 0
    public var timestreamRetries = 0
    // Writes
    /// `v1` or `v2` (the remote-write message the request carried), nil when refused before decoding.
    var writeProtocol: String? = nil
    public var series = 0
    public var samplesReceived = 0
    public var samplesWritten = 0
    public var skipped: [SkipReason: Int] = [:]
    /// The first few skipped series, each with its reason: one debug line each (`Logger.report`).
    package var skippedSeries: [String] = []
    /// Records Timestream rejected (RejectedRecordsException).
    public var samplesRejected = 0
    /// Records of WriteRecords calls that failed whole (refused, e.g. ValidationException, or failed transiently):
    /// not stored. samples_received = written + skipped + rejected + failed once the calls were made.
    var samplesFailed = 0
    /// Native histogram samples received, and how many became classic series (their samples are in the counts above).
    var histogramsReceived = 0
    var histogramsConverted = 0
    // Reads
    var queries = 0
    public var samplesReturned = 0
    /// `samples`, `streamed_xor_chunks`, or `none` when no answer type was chosen.
    public var responseType = "none"
    /// The answer's one-line reason, for 4xx/5xx.
    public var reason: String? = nil
    /// The answer started (a streamed read's first frames went out) and then failed: the front door breaks the
    /// response so the client sees an incomplete transfer; `status` and `reason` say what failed.
    package var aborted = false

    public init(requestID: String, route: String, status: Int) {
        self.requestID = requestID
        self.route = route
        self.status = status
    }

    var samplesSkipped: Int { skipped.samples }

    /// The answer's status and, for 4xx/5xx, its reason: the answer's first 512 bytes unless a reason is set already
    /// (both front doors log what they answered the same way).
    package mutating func record(answer response: ServiceResponse) {
        record(status: response.statusCode, body: response.body.bytes)
    }

    /// `record(answer:)` for an answer a front door encoded itself.
    package mutating func record(status answered: Int, body: some Collection<UInt8>) {
        if !aborted { status = answered }
        if answered >= 400, reason == nil { reason = Self.reason(body) }
    }

    /// The first 512 bytes of an answer's body, as its log line's reason.
    static func reason(_ body: some Collection<UInt8>) -> String {
        String(decoding: body.prefix(512), as: UTF8.self)
    }

    /// The level of this request's log line: error for 5xx, warn for 4xx, else info.
    package var logLevel: ConnectorConfig.LogLevel { status >= 500 ? .error : (status >= 400 ? .warn : .info) }

    /// The log line's fields, in a stable order.
    public var logFields: [Logger.Field] {
        var fields: [Logger.Field] = [("request_id", requestID)]
        if let traceID { fields.append(("trace_id", traceID)) }
        fields += [("route", route), ("status", String(status))]
        if route == "write" {
            if let writeProtocol { fields.append(("proto", writeProtocol)) }
            fields += [
                ("series", String(series)), ("samples_received", String(samplesReceived)),
                ("samples_written", String(samplesWritten)), ("samples_skipped", String(samplesSkipped)),
            ]
            if samplesRejected > 0 { fields.append(("samples_rejected", String(samplesRejected))) }
            if samplesFailed > 0 { fields.append(("samples_failed", String(samplesFailed))) }
            if histogramsReceived > 0 {
                fields += [("histograms_received", String(histogramsReceived)), ("histograms_converted", String(histogramsConverted))]
            }
            for reason in skipped.keys.sorted() { fields.append(("skipped_" + reason.rawValue, String(skipped[reason] ?? 0))) }
        } else if route == "read" {
            fields += [
                ("queries", String(queries)), ("series", String(series)), ("samples", String(samplesReturned)),
                ("response_type", responseType),
            ]
        }
        if route != "-" {
            fields += [("timestream_calls", String(timestreamCalls)), ("timestream_retries", String(timestreamRetries))]
        }
        fields.append(("duration_ms", String(durationMilliseconds)))
        if aborted { fields.append(("aborted", "true")) }
        if let reason { fields.append(("reason", reason)) }
        return fields
    }
}
