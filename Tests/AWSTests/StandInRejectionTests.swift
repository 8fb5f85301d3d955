@testable import AWS
@testable import TimestreamCodec
@testable import CurlHTTP
import Foundation
import Testing

/// Timestream's PER-RECORD refusals (HTTP 419 `RejectedRecordsException` listing the refused records; the others of
/// the call are stored), one test per rule of Tests/oracles/timestream_write_rules.py, against both stand-ins that
/// accept records.
@Suite struct StandInRejectionTests {
    typealias S = StandInUnderTest
    /// A valid record sent beside the refused one: a whole-call refusal must not store it, a per-record one must.
    let good = S.record([("host", "good")])

    @Test(arguments: S.Kind.allCases) func dimensionNameAndValueHaveAtMost2KB(_ kind: S.Kind) throws {
        let s = try S(kind)
        let long = S.record([("host", String(repeating: "v", count: 2045))])  // 4 + 2045 bytes
        try s.expectRejected([good, long], [1: "Dimension name and value exceed 2048 bytes"])
        #expect(try s.isStored(good))
        try s.expectAccepted([S.record([("host", String(repeating: "v", count: 2030))])])  // 2034-byte pair, 2044-byte record
    }

    @Test(arguments: S.Kind.allCases) func recordsHaveAtMost2KB(_ kind: S.Kind) throws {
        let s = try S(kind)
        // Dimension names and values, measure name and value, and 8 bytes of time: 3 × 682 + 1 + 1 + 8 = 2056.
        let dimensions = (0..<3).map { ("d\($0)", String(repeating: "v", count: 680)) }
        try s.expectRejected([good, S.record(dimensions)], [1: "Record size exceeds 2048 bytes"])
        #expect(try s.isStored(good))
        // 680 + 680 + 678 + 1 + 1 + 8 = 2048 bytes: accepted.
        try s.expectAccepted([S.record([678, 678, 676].enumerated().map { ("d\($0.offset)", String(repeating: "v", count: $0.element)) })])
    }

    @Test(arguments: S.Kind.allCases) func atMost128DimensionNamesPerTable(_ kind: S.Kind) throws {
        let s = try S(kind)
        try s.expectAccepted([S.record((0..<128).map { ("d\($0)", "v") })])
        let known = S.record([("d0", "w")])
        try s.expectRejected(
            [known, S.record([("d1", "w"), ("extra", "w")])],
            [1: "The record's dimensions exceed the maximum of 128 dimensions per table."])
        #expect(try s.isStored(known))
    }

    @Test(arguments: S.Kind.allCases) func atMost8192MeasureNamesPerTable(_ kind: S.Kind) throws {
        let s = try S(kind)
        for call in 0..<82 {
            let records = (call * 100..<min(call * 100 + 100, 8192)).map { S.record(measure: "m\($0)") }
            try s.expectAccepted(records)
        }
        try s.expectRejected(
            [S.record(measure: "m0", value: "1"), S.record(measure: "m8192")],
            [1: "The record's measure name exceeds the maximum of 8192 measure names per table."])
    }

    @Test(arguments: S.Kind.allCases) func timesOlderThanTheMemoryStoreWithoutMagneticWrites(_ kind: S.Kind) throws {
        let s = try S(kind, table: ["--memory-hours", "1", "--magnetic-writes", "off"])
        let now = S.now
        let old = S.record(time: now - 2 * 3_600_000)
        try s.expectRejected([good, old], [1: "Record timestamp is outside the retention period."])
        #expect(try s.isStored(good))
        try s.expectAccepted([S.record(time: now - 30 * 60_000)])
    }

    @Test(arguments: S.Kind.allCases) func timesOlderThanTheMagneticStore(_ kind: S.Kind) throws {
        let s = try S(kind, table: ["--memory-hours", "1", "--magnetic-days", "1", "--magnetic-writes", "on"])
        let now = S.now
        try s.expectRejected(
            [good, S.record(time: now - 2 * 86_400_000)], [1: "Record timestamp is outside the retention period."])
        #expect(try s.isStored(good))
        try s.expectAccepted([S.record(time: now - 2 * 3_600_000)])  // older than the memory store: magnetic
    }

    @Test(arguments: S.Kind.allCases) func atMost15MinutesAhead(_ kind: S.Kind) throws {
        let s = try S(kind)
        let now = S.now
        try s.expectRejected(
            [good, S.record(time: now + 16 * 60_000)], [1: "Record timestamp is too far in the future."])
        #expect(try s.isStored(good))
        try s.expectAccepted([S.record(time: now + 14 * 60_000)])
    }

    @Test(arguments: S.Kind.allCases) func versionsDecideBetweenDifferentValues(_ kind: S.Kind) throws {
        let s = try S(kind)
        let time = S.now
        let first = S.record(value: "1", time: time)
        try s.expectAccepted([first])
        try s.expectAccepted([first])  // the same value again: an idempotent retry
        let rejected = try s.expectRejected([good, S.record(value: "2", time: time)], [1: S.duplicateReason])
        #expect(rejected.first?.existingVersion == 1)
        #expect(try s.isStored(good))
        try s.expectAccepted([S.record(value: "3", time: time, version: 2)])  // a higher version updates
        let lower = try s.expectRejected(
            [S.record(value: "4", time: time, version: 1)],
            [0: "The record version 1 is lower than the existing version 2."])
        #expect(lower.first?.existingVersion == 2)
        if let listed = try s.listed() {
            let values = listed.filter { $0["measure_name"] as? String == "m" && $0["host"] as? String == "a" }
                .compactMap { $0["measure_value::double"] as? Double }
            #expect(values == [3])
        }
        // Two values for one point in the same call: the later one is rejected.
        let point = S.now + 1
        try s.expectRejected(
            [S.record([("host", "z")], value: "5", time: point), S.record([("host", "z")], value: "6", time: point)],
            [1: S.duplicateReason])
        #expect(try s.isStored(S.record([("host", "z")], time: point)))
    }

    /// A scripted answer is sent as scripted, whatever the body: tests of RejectedRecords handling stay possible.
    @Test func theScriptedStandInSendsScriptedAnswersAsIs() throws {
        let s = try S(.scripted)
        let script: [String: Any] = ["WriteRecords": [["status": 200, "body": ["RecordsIngested": ["Total": 1]]]]]
        _ = try s.http.send(
            HTTPRequest(
                method: "POST", url: s.server.url + "/_script", body: Array(JSONSerialization.data(withJSONObject: script)))
        ).get()
        try s.expectAccepted([S.record([])])
        try s.expectWholeCallRefused([S.record([])], "At least one dimension is required for a record.")
    }
}
