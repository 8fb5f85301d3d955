@testable import Connector
import Foundation
import TestSupport
import Testing

@Suite struct EmbeddedMetricsTests {
    func summaries() -> [InvocationSummary] {
        var write = InvocationSummary(requestID: "r1", route: "write", status: 204)
        write.samplesReceived = 500
        write.samplesWritten = 497
        write.skipped = [.staleMarker: 2, .nonFiniteValue: 1]
        write.timestreamCalls = 6
        write.timestreamRetries = 1
        write.durationMilliseconds = 61
        var read = InvocationSummary(requestID: "r2", route: "read", status: 503)
        read.queries = 1
        let refused = InvocationSummary(requestID: "r\"3", route: "-", status: 404)
        return [write, read, refused]
    }

    @Test func linesAreValidEMFPerTheSpecification() throws {
        let settings = EmbeddedMetrics.Settings(
            namespace: "Prom/Test", staticDimensions: [("Environment", "prod")], functionName: "fn")
        let lines = summaries().map { EmbeddedMetrics.line($0, settings: settings, timestampMilliseconds: 1_700_000_000_000) }
        let output = try Oracle.run("emf_check.py", input: Array(lines.joined(separator: "\n").utf8))
        #expect(String(decoding: output, as: UTF8.self) == "ok 3\n")
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["SamplesWritten"] as? Int == 497)
        #expect(first["SamplesSkipped"] as? Int == 3)
        #expect(first["SamplesSkipped_stale_marker"] as? Int == 2)
        #expect(first["TimestreamRetries"] as? Int == 1)
        #expect(first["Environment"] as? String == "prod")
        let aws = first["_aws"] as! [String: Any]
        let directive = (aws["CloudWatchMetrics"] as! [[String: Any]])[0]
        #expect(directive["Namespace"] as? String == "Prom/Test")
        #expect(directive["Dimensions"] as? [[String]] == [["FunctionName", "Route", "Environment"]])
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        #expect(second["ServerErrors"] as? Int == 1)
    }

    @Test func theValidatorRejectsBrokenDocuments() {
        // A metric without a root value and a unit EMF does not know must both fail: the check can fail.
        let broken = [
            #"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[["A"]],"Metrics":[{"Name":"M","Unit":"Count"}]}]},"A":"x"}"#,
            #"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[[]],"Metrics":[{"Name":"M","Unit":"Parsecs"}]}]},"M":1}"#,
        ]
        for document in broken {
            #expect(throws: OracleError.self) { try Oracle.run("emf_check.py", input: Array(document.utf8)) }
        }
    }

    @Test func settingsComeFromTheEnvironment() throws {
        let settings = try EmbeddedMetrics.Settings(environment: [
            "metrics_namespace": "NS", "metrics_dimensions": "Environment=prod, Team = obs", "AWS_LAMBDA_FUNCTION_NAME": "f",
        ])
        #expect(settings.namespace == "NS")
        #expect(settings.staticDimensions.map { "\($0.name)=\($0.value)" } == ["Environment=prod", "Team=obs"])
        #expect(settings.functionName == "f")
        #expect(settings.enabled)
        #expect(try !EmbeddedMetrics.Settings(environment: ["enable_metrics": "false"]).enabled)
        #expect(throws: ConfigError.self) { try EmbeddedMetrics.Settings(environment: ["metrics_dimensions": "novalue"]) }
        #expect(throws: ConfigError.self) { try EmbeddedMetrics.Settings(environment: ["metrics_dimensions": "Route=x"]) }
    }

    @Test func disabledMeansSilent() {
        final class Box: @unchecked Sendable { var lines: [String] = [] }
        let box = Box()
        EmbeddedMetrics(settings: .init(enabled: false), sink: { box.lines.append($0) })
            .emit(summaries()[0], timestampMilliseconds: 1)
        #expect(box.lines.isEmpty)
    }
}
