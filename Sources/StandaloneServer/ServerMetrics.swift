import Connector
import Prometheus
import TimestreamTranslation

/// The standalone connector's own series at `--web.telemetry-path`, in Prometheus' text format, kept by
/// swift-prometheus. The Go connector's names are kept where it had the series (`received_samples_total`,
/// `ignored_samples_total`, `write_requests_total` and `read_requests_total` per Timestream call,
/// `write_duration_seconds`, `read_duration_seconds`); the rest are new. Everything is recorded from a request's
/// `InvocationSummary`, the same values the Lambda function reports as EMF.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let received: Counter
    private let written: Counter
    private let rejected: Counter
    private let writeCalls: Counter
    private let readCalls: Counter
    private let writeDuration: DurationHistogram
    private let readDuration: DurationHistogram

    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        // Throttled writes retry with backoff up to --request-timeout (30 s by default): their time is told apart.
        .seconds(20), .seconds(30), .seconds(60),
    ]

    init() {
        inFlight = registry.makeGauge(descriptor: Self.name("in_flight_requests", "", "Remote-write and remote-read requests being served."))
        received = registry.makeCounter(descriptor: Self.name("received_samples", "total", "Samples received in remote-write requests."))
        written = registry.makeCounter(descriptor: Self.name("written_samples", "total", "Samples Timestream accepted."))
        rejected = registry.makeCounter(descriptor: Self.name("rejected_samples", "total", "Samples Timestream rejected (RejectedRecords)."))
        writeCalls = registry.makeCounter(descriptor: Self.name("write_requests", "total", "Timestream WriteRecords calls, retries included."))
        readCalls = registry.makeCounter(descriptor: Self.name("read_requests", "total", "Timestream Query calls (pages), retries included."))
        writeDuration = registry.makeDurationHistogram(
            descriptor: Self.name("write_duration", "seconds", "Time to answer a remote-write request."), buckets: Self.durationBuckets)
        readDuration = registry.makeDurationHistogram(
            descriptor: Self.name("read_duration", "seconds", "Time to answer a remote-read request."), buckets: Self.durationBuckets)
        // Series that exist from the start at 0, so that rate() and increase() see their first increments after a
        // start (a series born at 1 counts as 0).
        for reason in SkipReason.allCases { ignored(reason) }
        for route in ["write", "read"] { retries(route) }
    }

    @discardableResult
    private func ignored(_ reason: SkipReason) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("ignored_samples", "total", "Samples not stored, by reason (reason=exemplar: exemplars)."),
            labels: [("reason", reason.rawValue)])
    }

    @discardableResult
    private func retries(_ route: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("timestream_retries", "total", "Timestream calls that were retries, by route."),
            labels: [("route", route)])
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "timestream_connector", metricName: metric, unitName: unit, helpText: help)
    }

    func requestStarted() { inFlight.increment() }
    func requestEnded() { inFlight.decrement() }

    /// One answered request: HTTP route and status, samples, Timestream calls, retries and failures, latency.
    /// - Parameter durationNanoseconds: the time the service took, nil for answers the front door gave itself.
    func record(_ summary: InvocationSummary, route: String, durationNanoseconds: Int64?) {
        let status = String(summary.status)
        registry.makeCounter(
            descriptor: Self.name("http_requests", "total", "HTTP requests answered, by route and status."),
            labels: [("route", route), ("status", status)]
        ).increment()
        switch summary.route {
        case "write":
            received.increment(by: Int64(summary.samplesReceived))
            written.increment(by: Int64(summary.samplesWritten))
            rejected.increment(by: Int64(summary.samplesRejected))
            for (reason, count) in summary.skipped where count > 0 { ignored(reason).increment(by: Int64(count)) }
            writeCalls.increment(by: Int64(summary.timestreamCalls))
            if let durationNanoseconds { writeDuration.recordNanoseconds(durationNanoseconds) }
        case "read":
            readCalls.increment(by: Int64(summary.timestreamCalls))
            if let durationNanoseconds { readDuration.recordNanoseconds(durationNanoseconds) }
        default: break
        }
        if summary.route != "-" {
            retries(summary.route).increment(by: Int64(summary.timestreamRetries))
            // 499: the client left; what the service did with Timestream is in the other counters.
            if summary.status >= 400, summary.status != 499, summary.timestreamCalls > 0 {
                registry.makeCounter(
                    descriptor: Self.name("timestream_failures", "total", "Requests that called Timestream and failed, by route and status."),
                    labels: [("route", summary.route), ("status", status)]
                ).increment()
            }
        }
    }

    /// The text exposition (`text/plain; version=0.0.4`): the connector's series, then the process's
    /// (`ProcessMetrics`).
    func exposition() -> [UInt8] { registry.emitToBuffer() + Array(ProcessMetrics.exposition().utf8) }
}
