import Foundation
import TestSupport
import Testing

/// The `prometheus.yml` examples in README.md pass `promtool check config` (Prometheus 2.42, Debian's `prometheus`),
/// and the ones for the IAM-role and token modes carry no AWS key.
@Suite struct ReadmePrometheusConfigTests {
    static let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Each ```yaml block with a `remote_write:` section, with the heading it sits under.
    static func examples() throws -> [(heading: String, yaml: String)] {
        let readme = try String(contentsOf: Oracle.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var heading = "", inBlock = false, block: [Substring] = [], found: [(String, String)] = []
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") && !inBlock { heading = String(line) }
            if line == "```yaml" { inBlock = true; block = []; continue }
            if line == "```" && inBlock {
                inBlock = false
                let text = block.joined(separator: "\n")
                if text.hasPrefix("remote_write:") { found.append((heading, text + "\n")) }
                continue
            }
            if inBlock { block.append(line) }
        }
        return found
    }

    @Test(.enabled(if: promtool != nil, "promtool (apt package prometheus) is not installed"))
    func everyExamplePassesPromtool() throws {
        let examples = try Self.examples()
        #expect(examples.count >= 3)
        for example in examples {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).yml")
            try example.yaml.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let (status, text) = try Oracle.runTool(Self.promtool!, ["check", "config", file.path])
            #expect(status == 0, "\(example.heading): \(text)")
        }
    }

    @Test func roleAndTokenModesHaveNoAWSKeyInPrometheus() throws {
        let keyless = try Self.examples().filter { $0.heading.contains("Token mode") || $0.heading.contains("IAM roles instead of access keys") }
        #expect(keyless.count == 2)
        for example in keyless {
            for forbidden in ["basic_auth", "AKIA", "password", "sigv4", "access_key", "secret"] {
                #expect(!example.yaml.contains(forbidden), "\(example.heading) contains \(forbidden)")
            }
        }
    }
}
