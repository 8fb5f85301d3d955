// A test process killed with SIGKILL leaves no child or grandchild behind holding its output pipe (the hang of
// issue 17: `swift test` waited forever on an orphaned moto that still held the runner's stderr).
import Foundation
import Testing
import TestSupport

@Suite struct ChildTreeTests {
    /// Sources/ChildTreeProbe, built next to the test binary.
    static let probe: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("ChildTreeProbe").path
        return FileManager.default.isExecutableFile(atPath: beside)
            ? beside : Oracle.repositoryRoot.appendingPathComponent(".build/debug/ChildTreeProbe").path
    }()

    @Test func aKilledTestProcessLeavesNoChildHoldingItsPipe() throws {
        // probe (a stand-in for the test process) → python3 spawns_grandchild.py → sleep; all three write to `out`.
        let probe = Process.child(
            Self.probe, ["/usr/bin/python3", fixtures.appendingPathComponent("spawns_grandchild.py").path])
        let out = Pipe()
        probe.standardOutput = out
        probe.standardError = FileHandle.nullDevice  // should the tree survive, it must not hold this run's stderr
        try probe.start()
        defer { probe.stop() }
        let text = TextBox()
        let eof = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let handle = out.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                text.append(chunk)
            }
            eof.signal()
        }
        try? out.fileHandleForWriting.close()  // only the tree holds the write end now

        let end = Date().addingTimeInterval(120)
        while !(text.value.contains("PROBE ") && text.value.contains("PIDS ")) && Date() < end { usleep(20_000) }
        let pids = try #require(
            text.value.split(separator: "\n").first { $0.hasPrefix("PIDS ") }?.split(separator: " ").dropFirst()
                .compactMap { Int32($0) },
            "the probe did not start its tree: \(text.value)")
        try #require(pids.count == 2)
        // Started from a thread that has since ended, the child is still alive (the parent-death signal follows
        // the starting thread, which is why TestSupport starts every child from one long-lived thread).
        #expect(ProcessTable.isAlive(pids[0]), "child \(pids[0]) died with the thread that started it")
        #expect(ProcessTable.isAlive(pids[1]), "grandchild \(pids[1]) is not running")

        kill(probe.processIdentifier, SIGKILL)
        #expect(eof.wait(timeout: .now() + 60) == .success, "a process of the killed probe's tree still holds its stdout")
        #expect(ProcessTable.becomesGone(pids[0]), "child \(pids[0]) outlived the killed probe")
        #expect(ProcessTable.becomesGone(pids[1]), "grandchild \(pids[1]) outlived the killed probe")
    }
}

private final class TextBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var value: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
