#if canImport(Glibc)
import Glibc
#endif

/// CloudWatch Embedded Metric Format: one JSON line per invocation on stdout, which CloudWatch Logs turns into
/// metrics without any API call. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
public struct EmbeddedMetrics: Sendable {
    /// `enable_metrics` (default true), `metrics_namespace` (default `PrometheusTimestreamConnector`),
    /// `metrics_dimensions` (`Name=Value,…` added to every line, e.g. `Environment=prod`).
    public struct Settings: Equatable, Sendable {
        var enabled: Bool
        var namespace: String
        var staticDimensions: [(name: String, value: String)]
        var functionName: String

        init(enabled: Bool = true, namespace: String = "PrometheusTimestreamConnector",
                    staticDimensions: [(name: String, value: String)] = [], functionName: String = "") {
            self.enabled = enabled
            self.namespace = namespace
            self.staticDimensions = staticDimensions
            self.functionName = functionName
        }

        public static func == (a: Settings, b: Settings) -> Bool {
            a.enabled == b.enabled && a.namespace == b.namespace && a.functionName == b.functionName
                && a.staticDimensions.elementsEqual(b.staticDimensions) { $0.name == $1.name && $0.value == $1.value }
        }
    }

    let settings: Settings
    private let sink: @Sendable (String) -> Void

    public init(settings: Settings, sink: (@Sendable (String) -> Void)? = nil) {
        self.settings = settings
        self.sink = sink ?? { line in
            var bytes = Array(line.utf8)
            bytes.append(0x0A)
            _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        }
    }

    public func emit(_ summary: InvocationSummary, timestampMilliseconds: Int64) {
        guard settings.enabled else { return }
        sink(Self.line(summary, settings: settings, timestampMilliseconds: timestampMilliseconds))
    }

    /// The EMF document for one invocation. Dimensions: FunctionName, Route (and the static ones); metrics in
    /// Count or Milliseconds.
    static func line(_ s: InvocationSummary, settings: Settings, timestampMilliseconds: Int64) -> String {
        var metrics: [(String, String, Int64)] = [
            ("Requests", "Count", 1),
            ("ClientErrors", "Count", (400..<500).contains(s.status) ? 1 : 0),
            ("ServerErrors", "Count", s.status >= 500 ? 1 : 0),
            ("Duration", "Milliseconds", s.durationMilliseconds),
            ("TimestreamCalls", "Count", Int64(s.timestreamCalls)),
            ("TimestreamRetries", "Count", Int64(s.timestreamRetries)),
        ]
        if s.route == "write" {
            metrics += [
                ("SamplesReceived", "Count", Int64(s.samplesReceived)), ("SamplesWritten", "Count", Int64(s.samplesWritten)),
                ("SamplesSkipped", "Count", Int64(s.samplesSkipped)), ("SamplesRejected", "Count", Int64(s.samplesRejected)),
                ("SamplesFailed", "Count", Int64(s.samplesFailed)),
            ]
            for reason in s.skipped.keys.sorted() {
                metrics.append(("SamplesSkipped_" + reason.rawValue, "Count", Int64(s.skipped[reason] ?? 0)))
            }
        } else if s.route == "read" {
            metrics += [("Queries", "Count", Int64(s.queries)), ("SamplesReturned", "Count", Int64(s.samplesReturned))]
        }
        let dimensionNames = ["FunctionName", "Route"] + settings.staticDimensions.map(\.name)
        var out = "{\"_aws\":{\"Timestamp\":\(timestampMilliseconds),\"CloudWatchMetrics\":[{\"Namespace\":"
        out += JSONText.quoted(settings.namespace) + ",\"Dimensions\":[["
        out += dimensionNames.map(JSONText.quoted).joined(separator: ",") + "]],\"Metrics\":["
        out += metrics.map { "{\"Name\":\(JSONText.quoted($0.0)),\"Unit\":\"\($0.1)\"}" }.joined(separator: ",")
        out += "]}]},\"FunctionName\":" + JSONText.quoted(settings.functionName) + ",\"Route\":" + JSONText.quoted(s.route)
        for dimension in settings.staticDimensions {
            out += "," + JSONText.quoted(dimension.name) + ":" + JSONText.quoted(dimension.value)
        }
        for (name, _, value) in metrics { out += "," + JSONText.quoted(name) + ":\(value)" }
        out += ",\"StatusCode\":\(s.status),\"RequestId\":" + JSONText.quoted(s.requestID) + "}"
        return out
    }
}

extension EmbeddedMetrics.Settings {
    /// From the environment; `AWS_LAMBDA_FUNCTION_NAME` names the function.
    public init(environment env: [String: String]) throws(ConfigError) {
        let enabled = try ConfigError.boolean(env, "enable_metrics", true)
        var dimensions: [(name: String, value: String)] = []
        for pair in (env["metrics_dimensions"] ?? "").split(separator: ",") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: " ") }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !["FunctionName", "Route"].contains(parts[0]) else {
                throw ConfigError(variable: "metrics_dimensions", problem: "'\(pair)' is not Name=Value (e.g. Environment=prod)")
            }
            dimensions.append((parts[0], parts[1]))
        }
        guard dimensions.count <= 28 else {
            throw ConfigError(variable: "metrics_dimensions", problem: "at most 28 dimensions (CloudWatch allows 30 per metric)")
        }
        let namespace = env["metrics_namespace"].flatMap { $0.isEmpty ? nil : $0 } ?? "PrometheusTimestreamConnector"
        self.init(enabled: enabled, namespace: namespace, staticDimensions: dimensions,
                  functionName: env["AWS_LAMBDA_FUNCTION_NAME"] ?? "")
    }
}
