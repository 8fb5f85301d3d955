// Helpers for tests only (never linked into `bootstrap`): run the Python oracles in Tests/oracles and
// background servers (moto, stand-ins) on 127.0.0.1. Full Foundation is fine here.
import Foundation

public enum OracleError: Error, CustomStringConvertible {
    case pythonMissing(String)
    case failed(script: String, status: Int32, stderr: String)
    case noHandshake(script: String, output: String, stderr: String)

    public var description: String {
        switch self {
        case .pythonMissing(let path):
            "oracle python not found at \(path): run scripts/test (it creates .venv) or set ORACLE_PYTHON"
        case .failed(let script, let status, let stderr): "\(script) exited \(status): \(stderr)"
        case .noHandshake(let script, let output, let stderr):
            "\(script) did not print 'READY <port>' (first line: \(output.debugDescription)); stderr: \(stderr)"
        }
    }
}

public enum Oracle {
    /// The repository root, derived from this file's location (Sources/TestSupport/Oracle.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Tests/oracles, where the Python scripts live.
    public static let directory: URL = repositoryRoot.appendingPathComponent("Tests/oracles")

    /// The interpreter with the oracle packages: $ORACLE_PYTHON, else .venv/bin/python in the repository.
    public static var python: String {
        ProcessInfo.processInfo.environment["ORACLE_PYTHON"]
            ?? repositoryRoot.appendingPathComponent(".venv/bin/python").path
    }

    /// Runs `Tests/oracles/<script>` (or a script at an absolute path) with `arguments`, feeding `input` on stdin;
    /// returns stdout. Throws with the script's stderr when it exits non-zero (also when it dies before reading its
    /// input) or runs past `timeout` seconds.
    @discardableResult
    public static func run(
        _ script: String, _ arguments: [String] = [], input: [UInt8] = [], timeout: Double = 600
    ) throws -> [UInt8] {
        guard FileManager.default.isExecutableFile(atPath: python) else { throw OracleError.pythonMissing(python) }
        let output = try Process.runToEnd(python, [path(of: script)] + arguments, input: input, timeout: timeout)
        guard output.status == 0 else {
            throw OracleError.failed(script: script, status: output.status, stderr: output.stderrText)
        }
        return output.stdout
    }

    /// `Tests/oracles/<script>`, or `script` itself when it is an absolute path.
    static func path(of script: String) -> String {
        script.hasPrefix("/") ? script : directory.appendingPathComponent(script).path
    }
}

/// A Python server from Tests/oracles started for one test: it must print `READY <port>` on its first stdout
/// line once it listens on 127.0.0.1:<port> (bind port 0 so tests never collide). Stopped on `stop()`/deinit.
public final class OracleServer: @unchecked Sendable {
    public let port: Int
    public let process: Process
    private let stdout: Pipe

    /// What the server wrote to stderr so far (kept in a temporary file, deleted on deinit).
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    private let logPath: String

    /// Starts `Tests/oracles/<script>` (or an absolute path) and waits up to `timeout` seconds for its handshake.
    public init(
        _ script: String, _ arguments: [String] = [], environment: [String: String] = [:], timeout: Double = 120
    ) throws {
        guard FileManager.default.isExecutableFile(atPath: Oracle.python) else {
            throw OracleError.pythonMissing(Oracle.python)
        }
        let process = Process.child(Oracle.python, ["-u", Oracle.path(of: script)] + arguments)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("oracle-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardError = log
        try process.start()
        try? log?.close()
        // Read the handshake line byte by byte (no buffering beyond it, the rest stays in the pipe), on a thread so
        // that a server which neither answers nor exits cannot hold the test: past the timeout it is stopped, and
        // the read ends with the pipe.
        let handshake = DataBox()
        let read = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let handle = out.fileHandleForReading
            while true {
                let byte = handle.readData(ofLength: 1)
                if byte.isEmpty || byte.first == 0x0A { break }
                handshake.data.append(byte)
            }
            read.signal()
        }
        if read.wait(timeout: .now() + timeout) == .timedOut {
            process.stop()
            _ = read.wait(timeout: .now() + 10)
        }
        let text = String(decoding: handshake.data, as: UTF8.self)
        guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6).trimmingCharacters(in: .whitespaces)) else {
            process.stop()
            let stderr = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: logPath)
            throw OracleError.noHandshake(script: script, output: text, stderr: stderr)
        }
        self.port = port
        self.process = process
        self.stdout = out
    }

    /// http://127.0.0.1:<port>
    public var url: String { "http://127.0.0.1:\(port)" }

    public func stop() { process.stop() }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }
}
