import Foundation
import TestSupport
import Testing

/// Every `prometheus.yml` example in README is accepted by real Prometheus' config parser (`promtool check config`,
/// Prometheus 2.42), so no advice there is something Prometheus would refuse.
@Suite struct ReadmePrometheusConfigTests {
    /// The README's ```yaml blocks that configure remote storage.
    static func examples() throws -> [String] {
        let readme = try String(contentsOf: Oracle.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]? = nil
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```yaml" {
                current = []
            } else if let block = current, line == "```" {
                blocks.append(block.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks.filter { $0.contains("remote_write:") || $0.contains("remote_read:") }
    }

    func check(_ yaml: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).yml")
        try Data(yaml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try Promtool.run(["check", "config", file.path])
    }

    @Test(.enabled(if: Promtool.testsEnabled, "promtool (apt package prometheus) is not installed"))
    func everyExampleIsAcceptedByPrometheus() throws {
        let examples = try Self.examples()
        // Basic auth, and the SigV4-proxy setup for EnableSigV4Auth=true / temporary credentials.
        #expect(examples.count >= 2)
        for example in examples {
            let (status, output) = try check(example)
            #expect(status == 0 && output.contains("SUCCESS"), "promtool refused a README example:\n\(example)\n\(output)")
        }
    }

    /// Why README gives no `headers: {X-Amz-Security-Token: …}` advice: Prometheus reserves that header for its own
    /// SigV4 and refuses the configuration (and the check above can fail).
    @Test(.enabled(if: Promtool.testsEnabled, "promtool (apt package prometheus) is not installed"))
    func prometheusRefusesASessionTokenHeader() throws {
        for section in ["remote_write", "remote_read"] {
            let yaml = "\(section):\n  - url: https://abc123defg.execute-api.eu-west-1.amazonaws.com/dev/x\n    headers:\n      X-Amz-Security-Token: token\n"
            let (status, output) = try check(yaml)
            #expect(status != 0)
            #expect(output.contains("X-Amz-Security-Token is a reserved header"), "\(output)")
        }
    }

    /// The examples for the function's token mode (Bearer) and the standalone connector with its role (Kubernetes)
    /// carry no AWS key: that is their point.
    @Test func roleAndTokenModesHaveNoAWSKey() throws {
        let keyless = try Self.examples().filter { $0.contains("type: Bearer") || $0.contains("timestream-connector.monitoring:9201") }
        #expect(keyless.count == 2)
        for example in keyless {
            for forbidden in ["basic_auth", "AKIA", "password", "sigv4", "access_key", "secret"] {
                #expect(!example.contains(forbidden), "\(forbidden) in:\n\(example)")
            }
        }
    }
}
