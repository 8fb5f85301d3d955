import Connector
/// One command-line flag of the standalone connector: its name (the Go connector's where it had one), the
/// environment variable that also sets it (the Lambda function's name, so one container configuration serves
/// both), its default and its `--help` line.
struct Flag: Sendable {
    enum Kind: Sendable { case text, boolean, integer, seconds }

    /// Without the leading `--`.
    let name: String
    /// The environment variable (the Lambda function's name where it has one).
    let variable: String
    let kind: Kind
    /// nil: no default (unset).
    let defaultValue: String?
    let help: String

    /// Every flag, in `--help` order. The first block is the Go connector's (same names and defaults, except
    /// `--enable-sigv4-auth`, whose Go default `true` contradicted its own help text); the second block is the
    /// server's own limits, which the Go connector did not have.
    static let all: [Flag] = [
        Flag("web.listen-address", "web_listen_address", .text, ":9201", "Address to listen on for web endpoints ([host]:port)."),
        Flag("web.telemetry-path", "web_telemetry_path", .text, "/metrics", "Path under which to expose the connector's metrics."),
        Flag("default-database", "default_database", .text, nil, "The Timestream database every write and read goes to. Required."),
        Flag("default-table", "default_table", .text, nil, "The Timestream table every write and read goes to. Required."),
        Flag("region", "region", .text, nil, "The signing region of the Timestream calls (default: AWS_REGION, else AWS_DEFAULT_REGION, else the region of the AWS profile in use, else us-east-1)."),
        Flag("max-read-retries", "max_read_retries", .integer, "3", "Attempts per Timestream Query call (0: until the request's deadline)."),
        Flag("max-write-retries", "max_write_retries", .integer, "10", "Attempts per Timestream WriteRecords call (0: until the request's deadline)."),
        Flag("enable-logging", "enable_logging", .boolean, "true", "Log at all (false silences every line)."),
        Flag("fail-on-long-label", "fail_on_long_label", .boolean, "false", "Answer 400 for series whose names exceed Timestream's limits, instead of skipping them."),
        Flag("fail-on-invalid-sample-value", "fail_on_invalid_sample_value", .boolean, "false", "Answer 400 for NaN/±Inf samples, instead of skipping them."),
        Flag("enable-sigv4-auth", "enable_sigv4_auth", .boolean, "false", "Sign Timestream calls with the process's own AWS credentials instead of each request's basic auth."),
        Flag("query-base-endpoint", "query_base_endpoint", .text, nil, "Base URL for Timestream Query calls, no discovery (a VPC endpoint). Also AWS_ENDPOINT_URL_TIMESTREAM_QUERY, AWS_ENDPOINT_URL."),
        Flag("write-base-endpoint", "write_base_endpoint", .text, nil, "Base URL for Timestream WriteRecords calls, no discovery. Also AWS_ENDPOINT_URL_TIMESTREAM_WRITE, AWS_ENDPOINT_URL."),
        Flag("tls-certificate", "tls_certificate", .text, nil, "PEM certificate (chain) to serve HTTPS with; needs --tls-key."),
        Flag("tls-key", "tls_key", .text, nil, "PEM private key of --tls-certificate; needs --tls-certificate."),
        Flag("log.level", "log_level", .text, "info", "Only log messages with the given severity or above: debug, info, warn, error."),
        Flag("log.format", "log_format", .text, "logfmt", "Output format of log messages: logfmt or json."),

        Flag("max-concurrent-requests", "max_concurrent_requests", .integer, "64", "Remote-write/read requests admitted at once (their bodies held in memory); more are answered 503 with Retry-After."),
        Flag("worker-threads", "worker_threads", .integer, "16", "Admitted requests processed at once, each on a thread with its own Timestream client and connections; the others wait for a free one."),
        Flag("max-request-body-bytes", "max_request_body_bytes", .integer, "33554432", "Largest request body accepted (compressed); larger ones are answered 413."),
        Flag("max-read-samples", "max_read_samples", .integer, "5000000", "Largest SAMPLES read answer, in samples (held whole, ~50 bytes each); larger reads are answered 413. STREAMED_XOR_CHUNKS answers are streamed as Timestream pages arrive and not capped."),
        Flag("request-timeout", "request_timeout", .seconds, "30", "Seconds a request may take at most (Prometheus' remote_timeout is 30s by default)."),
        Flag("idle-timeout", "idle_timeout", .seconds, "60", "Seconds a connection may send nothing while a request is being read, or between requests, before it is closed."),
        Flag("shutdown-timeout", "shutdown_timeout", .seconds, "30", "On SIGTERM/SIGINT, seconds to finish the requests in flight; then their connections close (a Timestream call under way still ends, within --request-timeout, before the process exits)."),
    ]

    /// The longest timeout a `.seconds` flag accepts: one day.
    static let maxSeconds: Double = 86_400

    private init(_ name: String, _ variable: String, _ kind: Kind, _ defaultValue: String?, _ help: String) {
        self.name = name
        self.variable = variable
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }

    /// A duration in seconds: a plain number (seconds) or a number with one of Prometheus' units `ms`, `s`, `m`,
    /// `h` (`30s`, `2m`); nil when it is neither.
    static func seconds(_ value: String) -> Double? {
        for (unit, factor) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where value.hasSuffix(unit) {
            guard let number = Double(value.dropLast(unit.count)), number.isFinite else { return nil }
            return number * factor
        }
        return Double(value)
    }

    /// `value` checked against the flag's kind: nil when fine, else what to change.
    func problem(with value: String) -> String? {
        switch kind {
        case .text: return nil
        case .boolean:
            return ConfigError.parseBoolean(value) == nil ? ConfigError.notABoolean(value) : nil
        case .integer:
            return Int(value) == nil ? ConfigError.notAnInteger(value) : nil
        case .seconds:
            guard let seconds = Self.seconds(value), seconds > 0, seconds.isFinite else {
                return "'\(value)' is not a positive duration: seconds (30, 2.5) or with a unit (500ms, 30s, 2m, 1h)"
            }
            // Timeouts run in whole milliseconds: less would be 0 (every connection closed at once).
            guard seconds >= 0.001 else { return "'\(value)' is less than a millisecond" }
            // Longer waits are mistakes, and milliseconds past Int64 would trap.
            return seconds <= Self.maxSeconds ? nil : "'\(value)' is more than a day (\(Int(Self.maxSeconds)) seconds)"
        }
    }
}
