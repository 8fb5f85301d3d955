import TextCodecs
#if canImport(Glibc)
import Glibc
#endif

/// One-line structured logs on stderr (Lambda sends both stdout and stderr to CloudWatch): logfmt by default,
/// JSON lines with `log_format=json` or `AWS_LAMBDA_LOG_FORMAT=JSON`. Credentials and signatures are never
/// passed in here. Writes are unbuffered so a line is never lost when Lambda freezes the process.
public struct Logger: Sendable {
    public typealias Field = (key: String, value: String)

    let level: ConnectorConfig.LogLevel
    let format: ConnectorConfig.LogFormat
    let enabled: Bool
    private let sink: @Sendable (String) -> Void

    public init(config: ConnectorConfig, sink: (@Sendable (String) -> Void)? = nil) {
        self.level = config.logLevel
        self.format = config.logFormat
        self.enabled = config.loggingEnabled
        self.sink = sink ?? { line in
            var bytes = Array(line.utf8)
            bytes.append(0x0A)
            _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        }
    }

    func isEnabled(_ level: ConnectorConfig.LogLevel) -> Bool { enabled && level >= self.level }

    func debug(_ message: String, _ fields: [Field] = []) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [Field] = []) { log(.info, message, fields) }
    public func warn(_ message: String, _ fields: [Field] = []) { log(.warn, message, fields) }
    public func error(_ message: String, _ fields: [Field] = []) { log(.error, message, fields) }

    public func log(_ level: ConnectorConfig.LogLevel, _ message: String, _ fields: [Field]) {
        guard isEnabled(level) else { return }
        sink(Self.render(level: level, message: message, fields: fields, format: format))
    }

    static func render(level: ConnectorConfig.LogLevel, message: String, fields: [Field], format: ConnectorConfig.LogFormat) -> String {
        let levelName = ["debug", "info", "warn", "error"][level.rawValue]
        switch format {
        case .json:
            var out = "{\"level\":\"\(levelName)\",\"msg\":" + JSONText.quoted(message)
            for field in fields { out += "," + JSONText.quoted(field.key) + ":" + JSONText.quoted(field.value) }
            return out + "}"
        case .logfmt:
            var out = "level=\(levelName) msg=" + logfmtValue(message)
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
