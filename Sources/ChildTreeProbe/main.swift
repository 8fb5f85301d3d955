// Test-only (TestSupportTests.ChildTreeTests): starts `python3 <script>` through TestSupport from a thread that
// then ends, and waits to be killed. The child (and the grandchild it starts) inherit this process' stdout, so the
// test sees EOF on it only once the whole tree is gone.
import Foundation
import TestSupport

guard CommandLine.arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: ChildTreeProbe PYTHON SCRIPT\n".utf8))
    exit(2)
}
let started = DispatchSemaphore(value: 0)
Thread.detachNewThread {
    let child = Process.child(CommandLine.arguments[1], [CommandLine.arguments[2]])
    do { try child.start() } catch {
        FileHandle.standardError.write(Data("ChildTreeProbe: \(error)\n".utf8))
        exit(1)
    }
    // Once the launcher has exec'd the target, its parent-death signal is set: only now may this thread end.
    let exe = "/proc/\(child.processIdentifier)/exe"
    for _ in 0..<6000 {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: exe), !target.hasSuffix("setpriv") {
            break
        }
        usleep(10_000)
    }
    started.signal()
}
started.wait()
sleep(1)  // the thread that asked for the child has ended: the child must still be alive
FileHandle.standardOutput.write(Data("PROBE \(getpid())\n".utf8))
while true { sleep(60) }
