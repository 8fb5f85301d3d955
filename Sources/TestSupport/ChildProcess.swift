// Child processes of the tests (oracles, stand-ins, moto, Prometheus, `bootstrap`) that can never outlive their
// test nor hang it:
// - this process ignores SIGPIPE, so writing to a child that died is an error (EPIPE), not the death of the run;
// - every child runs in its own process group (Foundation's `Process` makes one per child on Linux), and `stop()`
//   signals the whole group, so grandchildren go too;
// - every child is started through util-linux's `setpriv --pdeathsig KILL` (it execs in place: same pid), so the
//   kernel SIGKILLs it when this process dies, even by SIGKILL. Linux delivers the parent-death signal when the
//   *thread* that started the child exits, so every child is started from one thread that lives as long as the
//   process (`Spawner`);
// - a child inherits no descriptor but its stdin, stdout and stderr: right before each spawn every other descriptor
//   of this process is marked close-on-exec (`Spawner.closeOnExecAll`). Tests start children from many threads;
//   without it a child kept copies of other children's pipe ends (Foundation's `Process` does not close them), so a
//   child reading its stdin to the end waited for a long-lived sibling to exit (found under AddressSanitizer: two
//   oracles waited 5 minutes for the `bootstrap` that held their stdin's write end);
// - every wait has a timeout.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why a child process helper gave up.
public enum ChildProcessError: Error, CustomStringConvertible {
    case timedOut(command: String, seconds: Double, stderr: String)

    public var description: String {
        switch self {
        case .timedOut(let command, let seconds, let stderr):
            "\(command) did not finish within \(Int(seconds)) s (stopped with its process group); stderr: \(stderr)"
        }
    }
}

/// What a finished child printed.
public struct ChildOutput: Sendable {
    public var status: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

extension Process {
    /// The launcher that gives a child the parent-death signal (util-linux, Essential in Debian).
    public static let parentDeathLauncher = "/usr/bin/setpriv"

    /// A child process of `executable` that dies with this process; configure its pipes and environment, then
    /// call `start()`.
    public static func child(_ executable: String, _ arguments: [String] = []) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        return process
    }

    /// Starts the process as a child that cannot outlive this process (see the top of ChildProcess.swift).
    public func start() throws {
        ignoreSIGPIPE
        guard let target = executableURL?.path else { throw CocoaError(.fileNoSuchFile) }
        executableURL = URL(fileURLWithPath: Process.parentDeathLauncher)
        arguments = ["--pdeathsig", "KILL", "--", target] + (arguments ?? [])
        try Spawner.shared.perform {
            Spawner.closeOnExecAll()
            try self.run()
        }
    }

    /// Waits up to `seconds` for the process to exit; true when it has.
    @discardableResult
    public func wait(timeout seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while isRunning && Date() < end { usleep(5_000) }
        return !isRunning
    }

    /// SIGTERM to the process group, SIGKILL to it after `grace` seconds (children may have inherited a blocked
    /// SIGTERM from the test runner), and SIGKILL to the group again once the leader is gone, for grandchildren
    /// that outlived it. Bounded: returns within `grace` + 10 s.
    public func stop(grace: Double = 1) {
        let group = processIdentifier
        guard group > 0 else { return }  // never started
        if isRunning {
            kill(-group, SIGTERM)
            if !wait(timeout: grace) { kill(-group, SIGKILL) }
        }
        kill(-group, SIGKILL)
        wait(timeout: 10)
    }

    /// Runs `executable` to the end, feeding `input` on stdin; returns its exit status and output. Past `timeout`
    /// seconds the process group is stopped and `ChildProcessError.timedOut` thrown.
    public static func runToEnd(
        _ executable: String, _ arguments: [String] = [], input: [UInt8] = [], environment: [String: String]? = nil,
        timeout: Double = 600
    ) throws -> ChildOutput {
        let process = child(executable, arguments)
        if let environment { process.environment = environment }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.start()
        // Write stdin and drain stdout/stderr concurrently so large payloads cannot deadlock on pipe buffers. A
        // child that exits without reading makes the write fail with EPIPE, which is ignored: its status tells.
        let streams = DispatchGroup()
        let out = DataBox(), err = DataBox()
        Thread.detachNewThread {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        for (pipe, box) in [(stdout, out), (stderr, err)] {
            streams.enter()
            Thread.detachNewThread {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                streams.leave()
            }
        }
        let finished = process.wait(timeout: timeout)
        process.stop()  // also the grandchildren that might still hold the pipes
        let command = URL(fileURLWithPath: executable).lastPathComponent
        guard finished, streams.wait(timeout: .now() + 10) == .success else {
            throw ChildProcessError.timedOut(
                command: command, seconds: timeout, stderr: String(decoding: err.data, as: UTF8.self))
        }
        return ChildOutput(status: process.terminationStatus, stdout: [UInt8](out.data), stderr: [UInt8](err.data))
    }
}

/// Writing to a pipe whose reader died raises SIGPIPE, whose default action kills the whole test process; ignored,
/// the write fails with EPIPE and the test that caused it fails with the child's stderr.
private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

final class DataBox: @unchecked Sendable { var data = Data() }

/// One thread, alive as long as the process, that starts every child (the parent-death signal follows the thread
/// that started a child, and test threads come and go).
final class Spawner: @unchecked Sendable {
    static let shared = Spawner()
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "TestSupport.Spawner"
        thread.start()
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Marks every descriptor above stderr close-on-exec. A child's own pipe ends are among them, which is fine:
    /// `Process` gives them to the child with `dup2`, whose copy (its stdin, stdout or stderr) is not close-on-exec.
    /// Runs on the spawner thread just before a spawn; a descriptor another thread opens between the two can still
    /// be inherited, a window of microseconds instead of a test's whole life.
    static func closeOnExecAll() {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name), fd > 2, fd != own else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Runs `body` on the spawner thread and returns its result.
    func perform(_ body: @escaping () throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        condition.lock()
        jobs.append {
            do { try body() } catch { result.error = error }
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        if let error = result.error { throw error }
    }
}

private final class ResultBox: @unchecked Sendable { var error: Error? }
