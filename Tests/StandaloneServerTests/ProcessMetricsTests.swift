import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import StandaloneServer

@Suite struct ProcessMetricsTests {
    /// A `stat` line whose command name holds a space and a parenthesis (proc(5): fields counted after the last `)`).
    @Test func statFieldsAreReadAfterTheCommandName() {
        let line = "4242 (conn (x) y) S 1 4242 4242 0 -1 4194560 1200 0 3 0 150 25 0 0 20 0 18 0 987654 123456789 2048 18446744073709551615 1 1 0 0 0 0 0 4096 17920 0 0 0 17 1 0 0 0 0 0\n"
        #expect(ProcessMetrics.parse(stat: line) == .init(userTicks: 150, systemTicks: 25, startTicksSinceBoot: 987654, virtualBytes: 123456789, residentPages: 2048))
        #expect(ProcessMetrics.parse(stat: "4242 (x) S 1 2") == nil)
        #expect(ProcessMetrics.parse(bootTimeIn: "cpu  1 2 3\nbtime 1796443200\nprocesses 9\n") == 1_796_443_200)
    }

    /// This process's own figures, as the Go client names and types them, agree with what the kernel says.
    @Test func theSeriesDescribeThisProcess() throws {
        let text = ProcessMetrics.exposition()
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            values[String(parts[0])] = Double(parts[1])
        }
        #expect(Set(values.keys) == [
            "process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
            "process_start_time_seconds", "process_open_fds", "process_max_fds",
        ])
        #expect(text.contains("# TYPE process_cpu_seconds_total counter\n"))
        #expect(text.contains("# TYPE process_resident_memory_bytes gauge\n"))
        let resident = try #require(values["process_resident_memory_bytes"])
        #expect(resident > 1_000_000 && resident < 4_000_000_000)
        #expect(try #require(values["process_virtual_memory_bytes"]) >= resident)
        let started = try #require(values["process_start_time_seconds"])
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        #expect(started <= Double(now.tv_sec) + 1 && started > Double(now.tv_sec) - 3600, "\(started)")
        #expect(try #require(values["process_open_fds"]) >= 3)  // stdin, stdout, stderr at least
        #expect(try #require(values["process_max_fds"]) >= values["process_open_fds"]!)
    }

    /// The descriptor count is the directory's entries, `.` and `..` left out (counted on a directory of its own:
    /// this process's descriptors change while other tests run).
    @Test func descriptorsAreTheEntriesOfTheDirectory() throws {
        var template = Array("/tmp/process-metrics-XXXXXX".utf8CString)
        let directory = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
        defer {
            for name in ["a", "b", "..."] { unlink(directory + "/" + name) }
            rmdir(directory)
        }
        #expect(ProcessMetrics.openDescriptors(listedIn: directory) == 0)
        for name in ["a", "b", "..."] { close(open(directory + "/" + name, O_CREAT | O_WRONLY, 0o600)) }
        #expect(ProcessMetrics.openDescriptors(listedIn: directory) == 3)
        #expect(ProcessMetrics.openDescriptors(listedIn: directory + "/missing") == nil)
    }
}
