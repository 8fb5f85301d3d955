// A child that dies or hangs makes its test fail with what it printed, within a bound, and never takes the test
// process with it (SIGPIPE) nor keeps it waiting.
import Foundation
import Testing
import TestSupport

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

@Suite struct DeadChildTests {
    @Test func anOracleThatExitsAtOnceFailsWithItsStderr() throws {
        // 4 MB: more than a pipe holds, so feeding it writes into a pipe nobody reads any more (EPIPE; with the
        // default SIGPIPE action this would kill the test process and end the run without a summary).
        let input = [UInt8](repeating: 0x61, count: 4 << 20)
        let error = #expect(throws: OracleError.self) {
            try Oracle.run(fixtures.appendingPathComponent("exits_at_once.py").path, input: input, timeout: 120)
        }
        guard case .failed(_, let status, let stderr) = error else {
            Issue.record("expected OracleError.failed, got \(String(describing: error))")
            return
        }
        #expect(status == 3)
        #expect(stderr.contains("libexample.so.1: cannot open shared object file"))
        #expect("\(error!)".contains("exits_at_once.py exited 3: exits_at_once.py: libexample.so.1"))
    }

    @Test func aServerThatExitsAtOnceFailsWithItsStderr() throws {
        let error = #expect(throws: OracleError.self) {
            try OracleServer(fixtures.appendingPathComponent("exits_at_once.py").path)
        }
        guard case .noHandshake(_, let output, let stderr) = error else {
            Issue.record("expected OracleError.noHandshake, got \(String(describing: error))")
            return
        }
        #expect(output.isEmpty)
        #expect(stderr.contains("libexample.so.1: cannot open shared object file"))
    }

    @Test func aServerThatNeverAnswersIsStoppedAtItsTimeout() throws {
        let error = #expect(throws: OracleError.self) {
            try OracleServer(fixtures.appendingPathComponent("silent_server.py").path, timeout: 3)
        }
        guard case .noHandshake(_, _, let stderr) = error else {
            Issue.record("expected OracleError.noHandshake, got \(String(describing: error))")
            return
        }
        #expect(stderr.contains("stuck before listening"))
    }

    @Test func aCommandPastItsTimeoutIsStoppedWithItsGrandchildren() throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("grandchild-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let error = #expect(throws: ChildProcessError.self) {
            try Process.runToEnd("/bin/sh", ["-c", "sleep 600 & echo $! > '\(pidFile.path)'; wait"], timeout: 3)
        }
        #expect("\(String(describing: error))".contains("sh did not finish within 3 s"))
        let grandchild = try #require(Int32(String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessTable.becomesGone(grandchild), "sleep \(grandchild) survived its process group's stop")
    }
}

/// Liveness by /proc: a zombie (exited, not yet reaped by whoever inherited it) counts as gone.
enum ProcessTable {
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }

    /// Polls for up to 60 s (SIGKILL delivery is immediate; the bound only keeps a failure from hanging the run).
    static func becomesGone(_ pid: Int32) -> Bool {
        let end = Date().addingTimeInterval(60)
        while isAlive(pid) && Date() < end { usleep(20_000) }
        return !isAlive(pid)
    }
}
