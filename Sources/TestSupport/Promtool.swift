import Foundation

/// Debian's `promtool` (apt package `prometheus`, 2.42 here and in CI): real Prometheus' config parser and PromQL
/// engine for tests.
public enum Promtool {
    /// Its path, or nil when the package is not installed (tests that need it are then disabled with a notice).
    public static let path = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Whether tests that need promtool run: when it is installed, and always under `PROMETHEUS_E2E=required` (CI),
    /// where a missing promtool must fail them rather than skip them unnoticed.
    public static var testsEnabled: Bool {
        path != nil || ProcessInfo.processInfo.environment["PROMETHEUS_E2E"] == "required"
    }

    /// Runs `promtool <arguments>` as a test child (`ChildProcess`: own process group, killed with the test
    /// process, bounded wait); its exit status and its stdout and stderr together.
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try Process.runToEnd(path ?? "promtool", arguments, timeout: 120)
        return (result.status, String(decoding: result.stdout + result.stderr, as: UTF8.self))
    }
}
