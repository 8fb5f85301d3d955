import Foundation
import Testing

@testable import CredentialChain

#if canImport(Glibc)
    import Glibc
#endif

/// `credential_process` commands run under a time limit and an output cap; past either, the command's whole process
/// group is killed (a helper's own children too), so a hanging helper cannot hold the credential refresh forever.
@Suite struct CredentialProcessTests {
    @Test func statusAndOutputOfACommand() {
        guard case .success(let ran) = CredentialProcess.run(#"printf '{"Version": 1}'; exit 3"#) else {
            Issue.record("the command did not run")
            return
        }
        #expect(ran.status == 3)
        #expect(ran.output == Array(#"{"Version": 1}"#.utf8))
    }

    /// A descriptor of this process without close-on-exec (as a library may open one: a socket to Timestream) is
    /// not handed to the command; its standard streams are.
    @Test func theCommandGetsNoDescriptorButItsStandardStreams() throws {
        let open = Glibc.open("/dev/null", O_RDONLY)  // no O_CLOEXEC
        try #require(open > 2)
        defer { close(open) }
        guard case .success(let ran) = CredentialProcess.run("ls /proc/$$/fd") else {
            Issue.record("the command did not run")
            return
        }
        let descriptors = String(decoding: ran.output, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        #expect(descriptors.contains(1) && !descriptors.contains(Int(open)), "\(descriptors), this process's \(open)")
    }

    @Test func aCommandThatHangsIsKilledWithItsChildrenAtTheTimeLimit() throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("credential-process-\(UUID()).pid").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        // The shell starts a child that would sleep for five minutes, records its pid and waits for it.
        let result = CredentialProcess.run("sleep 300 & echo $! > \(pidFile); wait", timeoutMilliseconds: 300)
        guard case .failure(.timedOut(milliseconds: 300)) = result else {
            Issue.record("expected a time-out, got \(result)")
            return
        }
        let pid = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // SIGKILL was sent to the group; its delivery is asynchronous, so look until the child is gone (or a zombie).
        var gone = false
        for _ in 0..<500 where !gone {
            gone = Self.isGoneOrZombie(pid)
            if !gone { usleep(10_000) }
        }
        #expect(gone, "the command's child \(pid) still runs")
    }

    /// A helper that prints its document, closes its output and goes on running (a daemonising login helper) is
    /// still held to the limit and killed: the refresh does not wait for it (before, it waited the 30 s and succeeded).
    @Test func aCommandThatClosesItsOutputButRunsOnTimesOut() {
        let result = CredentialProcess.run(#"printf '{"Version": 1}'; exec >&-; sleep 30"#, timeoutMilliseconds: 300)
        guard case .failure(.timedOut(milliseconds: 300)) = result else {
            Issue.record("expected a time-out, got \(result)")
            return
        }
    }

    @Test func endlessOutputIsCutOffAtTheCap() {
        guard case .failure(.outputTooLarge) = CredentialProcess.run("yes") else {
            Issue.record("endless output was not cut off")
            return
        }
    }

    static func isGoneOrZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // pid (comm) state …: the state follows the last ')'.
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}
