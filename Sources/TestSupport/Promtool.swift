import Foundation

/// Debian's `promtool` (apt package `prometheus`, 2.42 here and in CI): real Prometheus' config parser and PromQL
/// engine for tests.
public enum Promtool {
    /// Its path, or nil when the package is not installed (tests that need it are then disabled with a notice).
    public static let path = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs `promtool <arguments>`; its exit status and its stdout and stderr together.
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "promtool")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
