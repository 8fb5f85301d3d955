@testable import Connector
import Foundation
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

    @Test func logfmtQuotesOnlyWhatNeedsIt() {
        let (log, lines) = logger(.logfmt)
        log.info("invocation", [("route", "write"), ("reason", "two words"), ("empty", "")])
        #expect(lines.lines == ["level=info msg=invocation route=write reason=\"two words\" empty=\"\""])
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
