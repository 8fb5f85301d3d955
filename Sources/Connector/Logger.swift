import AWS
import TextCodecs
#if canImport(Glibc)
import Glibc
#endif

/// One-line structured logs on stderr (Lambda sends both stdout and stderr to CloudWatch): logfmt by default,
/// JSON lines with `log_format=json` or `AWS_LAMBDA_LOG_FORMAT=JSON`. Credentials and signatures are never
/// passed in here. Writes are unbuffered so a line is never lost when Lambda freezes the process. A line carries
/// its time (`ts=2026-12-06T04:16:08.123Z`, UTC, as Prometheus' own logs) when `timestamps` is on: the standalone
/// connector's lines go to files and `docker logs`; the function's get CloudWatch's time.
public struct Logger: Sendable {
    public typealias Field = (key: String, value: String)

    package let level: ConnectorConfig.LogLevel
    let format: ConnectorConfig.LogFormat
    let enabled: Bool
    /// Milliseconds since 1970 for each line's `ts`; nil: lines carry no time.
    private let clock: (@Sendable () -> Int64)?
    private let sink: @Sendable (String) -> Void

    /// - Parameter timestamps: each line starts with its time (`SystemClock`, the wall clock, unless `clock` is given).
    public init(
        config: ConnectorConfig, timestamps: Bool = false, clock: (@Sendable () -> Int64)? = nil,
        sink: (@Sendable (String) -> Void)? = nil
    ) {
        self.level = config.logLevel
        self.format = config.logFormat
        self.enabled = config.loggingEnabled
        self.clock = timestamps ? clock ?? { SystemClock().nowMilliseconds() } : nil
        self.sink = sink ?? { line in
            var bytes = Array(line.utf8)
            bytes.append(0x0A)
            bytes.withUnsafeBytes { line in
                var written = 0
                while written < line.count {  // a pipe may take part of a line; a signal may interrupt
                    let count = write(2, line.baseAddress! + written, line.count - written)
                    if count > 0 {
                        written += count
                    } else if count < 0 && errno == EINTR {
                        continue
                    } else {
                        return  // stderr gone: nothing else to tell
                    }
                }
            }
        }
    }

    package func isEnabled(_ level: ConnectorConfig.LogLevel) -> Bool { enabled && level >= self.level }

    func debug(_ message: String, _ fields: [Field] = []) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [Field] = []) { log(.info, message, fields) }
    public func warn(_ message: String, _ fields: [Field] = []) { log(.warn, message, fields) }
    public func error(_ message: String, _ fields: [Field] = []) { log(.error, message, fields) }

    /// A request's line (`message`: the function's `invocation`, the server's `request`), at the level its status
    /// calls for, then at debug level one line per skipped series it names (which series to drop or relabel).
    package func report(_ summary: InvocationSummary, _ message: String) {
        log(summary.logLevel, message, summary.logFields)
        guard isEnabled(.debug) else { return }
        for series in summary.skippedSeries {
            debug("skipped series", [("request_id", summary.requestID), ("series", series)])
        }
    }

    public func log(_ level: ConnectorConfig.LogLevel, _ message: String, _ fields: [Field]) {
        guard isEnabled(level) else { return }
        let time = clock.map { CivilCalendar.rfc3339(epochMilliseconds: $0()) }
        sink(Self.render(level: level, time: time, message: message, fields: fields, format: format))
    }

    static func render(
        level: ConnectorConfig.LogLevel, time: String? = nil, message: String, fields: [Field],
        format: ConnectorConfig.LogFormat
    ) -> String {
        let levelName = ["debug", "info", "warn", "error"][level.rawValue]
        switch format {
        case .json:
            var out = "{\"level\":\"\(levelName)\","
            if let time { out += "\"ts\":\"\(time)\"," }
            out += "\"msg\":" + JSONText.quoted(message)
            for field in fields { out += "," + JSONText.quoted(field.key) + ":" + JSONText.quoted(field.value) }
            return out + "}"
        case .logfmt:
            var out = "level=\(levelName) "
            if let time { out += "ts=\(time) " }
            out += "msg=" + logfmtValue(message)
            for field in fields { out += " \(field.key)=" + logfmtValue(field.value) }
            return out
        }
    }

    static func logfmtValue(_ value: String) -> String {
        let plain = !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 != 0x22 && $0 != 0x3D && $0 != 0x5C && $0 < 0x7F }
        return plain ? value : JSONText.quoted(value)
    }
}

/// A JSON string literal for log and EMF lines, escaped by the same writer as every other JSON the function
/// writes (`TextCodecs.JSONWriter`).
enum JSONText {
    static func quoted(_ text: String) -> String {
        var writer = JSONWriter(reservingCapacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
