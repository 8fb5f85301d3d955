// Helpers for tests only (never linked into `bootstrap`): run the Python oracles in Tests/oracles and
// background servers (moto, stand-ins) on 127.0.0.1. Full Foundation is fine here.
import Foundation

public enum OracleError: Error, CustomStringConvertible {
    case pythonMissing(String)
    case failed(script: String, status: Int32, stderr: String)
    case noHandshake(script: String, output: String)

    public var description: String {
        switch self {
        case .pythonMissing(let path):
            "oracle python not found at \(path): run scripts/test (it creates .venv) or set ORACLE_PYTHON"
        case .failed(let script, let status, let stderr): "\(script) exited \(status): \(stderr)"
        case .noHandshake(let script, let output): "\(script) did not print 'READY <port>': \(output)"
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

    /// Runs `Tests/oracles/<script>` with `arguments`, feeding `input` on stdin; returns stdout.
    /// Throws with the script's stderr when it exits non-zero.
    @discardableResult
    public static func run(_ script: String, _ arguments: [String] = [], input: [UInt8] = []) throws -> [UInt8] {
        guard FileManager.default.isExecutableFile(atPath: python) else { throw OracleError.pythonMissing(python) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [directory.appendingPathComponent(script).path] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write stdin and drain stdout/stderr concurrently so large payloads cannot deadlock on pipe buffers.
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errBox = DataBox()
        let errReader = Thread { errBox.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errReader.isExecuting || !errReader.isFinished { usleep(1000) }
        guard process.terminationStatus == 0 else {
            throw OracleError.failed(
                script: script, status: process.terminationStatus,
                stderr: String(decoding: errBox.data, as: UTF8.self))
        }
        return [UInt8](out)
    }
}

extension Process {
    /// SIGTERM, then SIGKILL after a second: children inherit the test runner's blocked SIGTERM unless they
    /// unblock it, and a process that outlives its test would leak into the next one.
    public func stop() {
        guard isRunning else { return }
        terminate()
        for _ in 0..<100 where isRunning { usleep(10_000) }
        if isRunning { kill(processIdentifier, SIGKILL) }
        waitUntilExit()
    }
}

private final class DataBox: @unchecked Sendable { var data = Data() }

/// A Python server from Tests/oracles started for one test: it must print `READY <port>` on its first stdout
/// line once it listens on 127.0.0.1:<port> (bind port 0 so tests never collide). Stopped on `stop()`/deinit.
public final class OracleServer: @unchecked Sendable {
    public let port: Int
    public let process: Process
    private let stdout: Pipe

    public init(_ script: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws {
        guard FileManager.default.isExecutableFile(atPath: Oracle.python) else {
            throw OracleError.pythonMissing(Oracle.python)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Oracle.python)
        process.arguments = ["-u", Oracle.directory.appendingPathComponent(script).path] + arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // Read the handshake line byte by byte (no buffering beyond it, the rest stays in the pipe).
        var line = [UInt8]()
        let handle = out.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty || byte.first == 0x0A { break }
            line.append(contentsOf: byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6).trimmingCharacters(in: .whitespaces)) else {
            process.terminate()
            throw OracleError.noHandshake(script: script, output: text)
        }
        self.port = port
        self.process = process
        self.stdout = out
    }

    /// http://127.0.0.1:<port>
    public var url: String { "http://127.0.0.1:\(port)" }

    public func stop() { process.stop() }

    deinit { stop() }
}
