@testable import AWS
@testable import Connector
import Foundation
import TextCodecs
import Testing

@Suite struct LoggerTests {
    final class Lines: @unchecked Sendable {
        var lines: [String] = []
        let lock = NSLock()
        func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    }

    func logger(_ format: ConnectorConfig.LogFormat, level: ConnectorConfig.LogLevel = .info, enabled: Bool = true) -> (Logger, Lines) {
        let lines = Lines()
        var config = ConnectorConfig(database: "d", table: "t")
        config.logFormat = format
        config.logLevel = level
        config.loggingEnabled = enabled
        return (Logger(config: config, sink: { lines.append($0) }), lines)
    }

    @Test func jsonLinesParseAndKeepEveryField() throws {
        let (log, lines) = logger(.json)
        log.warn("invocation", [("request_id", "a\"b\\c\n"), ("reason", "tab\there \u{01}")])
        let object = try JSONSerialization.jsonObject(with: Data(lines.lines[0].utf8)) as? [String: String]
        #expect(object == ["level": "warn", "msg": "invocation", "request_id": "a\"b\\c\n", "reason": "tab\there \u{01}"])
    }

    /// A request's skipped series get a debug line each, after the request's line; none at info.
    @Test func skippedSeriesAreLoggedAtDebugLevel() {
        var summary = InvocationSummary(requestID: "r1", route: "write", status: 204)
        summary.skippedSeries = [#"m{time="v"}: reserved_label_name: named time"#]
        let (quiet, quietLines) = logger(.logfmt)
        quiet.report(summary, "request")
        #expect(quietLines.lines.count == 1 && quietLines.lines[0].hasPrefix("level=info msg=request request_id=r1"))
        let (verbose, verboseLines) = logger(.logfmt, level: .debug)
        verbose.report(summary, "request")
        #expect(verboseLines.lines.count == 2, "\(verboseLines.lines)")
        #expect(verboseLines.lines.last == #"level=debug msg="skipped series" request_id=r1 series="m{time=\"v\"}: reserved_label_name: named time""#)
    }

    @Test func logfmtQuotesOnlyWhatNeedsIt() {
        let (log, lines) = logger(.logfmt)
        log.info("invocation", [("route", "write"), ("reason", "two words"), ("empty", "")])
        #expect(lines.lines == ["level=info msg=invocation route=write reason=\"two words\" empty=\"\""])
    }

    /// The standalone connector's lines carry their time (UTC, ms), in both formats.
    @Test func timestampedLinesStartWithTheirTime() throws {
        for format in [ConnectorConfig.LogFormat.logfmt, .json] {
            let lines = Lines()
            var config = ConnectorConfig(database: "d", table: "t")
            config.logFormat = format
            let log = Logger(config: config, timestamps: true, clock: { 1_796_443_200_123 }, sink: { lines.append($0) })
            log.info("ready", [("address", ":9201")])
            if format == .logfmt {
                #expect(lines.lines == ["level=info ts=2026-12-05T04:00:00.123Z msg=ready address=:9201"])
            } else {
                let object = try JSONSerialization.jsonObject(with: Data(lines.lines[0].utf8)) as? [String: String]
                #expect(object == ["level": "info", "ts": "2026-12-05T04:00:00.123Z", "msg": "ready", "address": ":9201"])
            }
        }
        // the real clock: the line's time lies between two readings taken around it (fixed-width text sorts as time)
        let lines = Lines()
        let before = CivilCalendar.rfc3339(epochMilliseconds: SystemClock().nowMilliseconds())
        Logger(config: ConnectorConfig(database: "d", table: "t"), timestamps: true, sink: { lines.append($0) }).info("now")
        let after = CivilCalendar.rfc3339(epochMilliseconds: SystemClock().nowMilliseconds())
        let stamp = try #require(lines.lines.first?.split(separator: " ").first { $0.hasPrefix("ts=") }?.dropFirst(3))
        #expect(before <= String(stamp) && String(stamp) <= after, "\(before) \(stamp) \(after)")
    }

    @Test func levelsAndTheSwitchFilter() {
        let (log, lines) = logger(.logfmt, level: .warn)
        log.info("hidden")
        log.debug("hidden")
        log.error("shown")
        #expect(lines.lines == ["level=error msg=shown"])
        let (off, offLines) = logger(.logfmt, enabled: false)
        off.error("hidden")
        #expect(offLines.lines.isEmpty)
    }
}
