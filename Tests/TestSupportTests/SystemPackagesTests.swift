// The README's test command on a machine without libsnappy1v5 (simulated: fake `dpkg-query`, `id`, `apt-get` and
// `swift` first on PATH; nothing on this machine is installed or removed): as a user it stops before building
// anything with the `apt-get install` line to run; as root it installs the package with apt-get, then builds.
import Foundation
import Testing
import TestSupport

@Suite struct SystemPackagesTests {
    /// A directory of fake commands; `dpkg-query` reports libsnappy1v5 missing until the fake apt-get ran.
    final class FakeMachine {
        let bin: URL
        var log: String { (try? String(contentsOf: bin.appendingPathComponent("calls.log"), encoding: .utf8)) ?? "" }

        init(uid: Int) throws {
            bin = FileManager.default.temporaryDirectory.appendingPathComponent("fake-debian-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            let calls = bin.appendingPathComponent("calls.log").path
            let installed = bin.appendingPathComponent("installed").path
            try write("dpkg-query", """
                for p; do :; done
                if [ "$p" = libsnappy1v5 ] && [ ! -e '\(installed)' ]; then exit 1; fi
                printf installed
                """)
            try write("id", "echo \(uid)")
            try write("apt-get", "echo \"apt-get $*\" >> '\(calls)'\n[ \"$1\" != install ] || touch '\(installed)'")
            try write("swift", "echo \"swift $*\" >> '\(calls)'\nexit 99")
        }

        private func write(_ name: String, _ body: String) throws {
            let url = bin.appendingPathComponent(name)
            try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }

        /// Runs the README's test command with the fakes first on PATH.
        func runTestCommand() throws -> ChildOutput {
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            return try Process.runToEnd(
                "/bin/bash", [Oracle.repositoryRoot.appendingPathComponent("scripts/test").path],
                environment: environment, timeout: 300)
        }

        deinit { try? FileManager.default.removeItem(at: bin) }
    }

    @Test func withoutRootItStopsBeforeBuildingWithTheLineToRun() throws {
        let machine = try FakeMachine(uid: 1000)
        let run = try machine.runTestCommand()
        #expect(run.status == 1)
        #expect(run.stderrText.contains("missing Debian packages: libsnappy1v5"), "\(run.stderrText)")
        #expect(run.stderrText.contains("  apt-get install -y --no-install-recommends libsnappy1v5\n"))
        #expect(machine.log.isEmpty, "ran before the package check: \(machine.log)")
    }

    @Test func asRootItInstallsTheMissingPackageThenBuilds() throws {
        let machine = try FakeMachine(uid: 0)
        let run = try machine.runTestCommand()
        #expect(run.status == 99, "\(run.stderrText)")  // the fake swift's status: the build step was reached
        let calls = machine.log.split(separator: "\n").map(String.init)
        #expect(
            calls.prefix(3) == [
                "apt-get update -qq", "apt-get install -y -qq --no-install-recommends libsnappy1v5",
                "swift build --build-tests",
            ], "\(machine.log)")
        #expect(run.stderrText.contains("setup-system: installing libsnappy1v5 with apt-get"), "\(run.stderrText)")
    }
}
