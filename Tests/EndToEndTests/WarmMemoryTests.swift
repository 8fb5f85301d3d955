import Foundation
import TestSupport
import Testing

/// One warm `bootstrap` process serving thousands of invocations keeps its resident memory flat.
@Suite struct WarmMemoryTests {
    /// VmRSS of a process in kB, from /proc.
    static func residentKilobytes(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    /// Regression: each invocation's distinct X-Ray trace id went through `setenv`, whose copies glibc never
    /// frees, so RSS grew ~140 bytes per invocation (≈ 700 kB over 5000 here). Invocations use the cheapest path
    /// (a 405 route refusal, no Timestream call), each with the stand-in's fresh trace id.
    @Test func residentMemoryStaysFlatOverWarmInvocations() throws {
        let function = try FunctionHarness(environment: ["default_database": "db", "default_table": "tbl", "region": "us-east-1", "log_level": "error"])
        defer { function.stop() }
        let event = try EventBuilder.event(["method": "GET", "body_text": ""])
        func serve(_ count: Int) throws {
            let before = try function.records().answers.count
            for _ in 0..<count { try function.enqueue(event: event) }
            let end = Date().addingTimeInterval(120)
            while try function.records().answers.filter({ $0.outcome != nil }).count < before + count {
                try #require(Date() < end && function.process.isRunning, "bootstrap stopped answering")
                usleep(200_000)
            }
        }
        try serve(500)  // warm-up: allocator pools, connection, caches
        let warm = try Self.residentKilobytes(function.process.processIdentifier)
        try serve(5000)
        let after = try Self.residentKilobytes(function.process.processIdentifier)
        #expect(after - warm < 250, "VmRSS \(warm) kB → \(after) kB over 5000 warm invocations")
        let answers = try function.records().answers
        #expect(answers.count == 5500)
        #expect(answers.allSatisfy { $0.statusCode == 405 })
    }
}
