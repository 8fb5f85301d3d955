import Connector
import Logging

/// swift-log's handler for Hummingbird's and swift-service-lifecycle's own messages, written by the connector's
/// `Logger` so every line on stderr has one format (logfmt or JSON). Their info chatter is kept at debug.
struct LogBridge: LogHandler {
    let log: Connector.Logger
    var metadata: Logging.Logger.Metadata = [:]
    var logLevel: Logging.Logger.Level

    init(log: Connector.Logger) {
        self.log = log
        self.logLevel = log.level == .debug ? .debug : .warning
    }

    subscript(metadataKey key: String) -> Logging.Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let mapped: ConnectorConfig.LogLevel
        switch event.level {
        case .trace, .debug, .info, .notice: mapped = .debug
        case .warning: mapped = .warn
        case .error, .critical: mapped = .error
        }
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.keys.sorted().map { (key: $0, value: "\(merged[$0]!)") }
        log.log(mapped, event.message.description, [(key: "source", value: event.source)] + fields)
    }
}
