import Foundation
@testable import RemoteStorage
import TestSupport
import Testing

/// Remote-Write 2.0 through the built `bootstrap`: requests encoded by Python protobuf from the spec's .proto
/// (Tests/oracles/api_gateway_event.py "write_v2"), stored in the SQL stand-in, answered with the
/// `X-Prometheus-Remote-Write-*-Written` headers; 1.0 unchanged in the same process.
@Suite(.serialized) struct RemoteWriteV2Tests {
    static let auth = ["AKIDEXAMPLE", "secret"]
    static let values: [Double] = [0.1, 1e-9, .leastNonzeroMagnitude, -0.0, .greatestFiniteMagnitude, -123456.789, 1]
    static let stale = Double(bitPattern: 0x7ff0_0000_0000_0002)

    /// A double's IEEE-754 bits as the stand-in lists them (16 hex digits).
    static func bits(_ value: Double) -> String {
        let hex = String(value.bitPattern, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func written(_ answer: FunctionHarness.Answer) -> [Int?] {
        ["samples", "histograms", "exemplars"].map { answer.headers["x-prometheus-remote-write-\($0)-written"].flatMap { Int($0) } }
    }

    @Test(arguments: ["2.0", "1.0"])
    func aV2RequestIsStoredBitExactAndAnsweredWithWrittenHeaders(payloadVersion: String) throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let samples = Self.values.enumerated().map { ($0.element, Int64(1_700_000_000_000 + $0.offset)) }
        let event = try EventBuilder.event([
            "version": payloadVersion, "basic_auth": Self.auth,
            "write_v2": ["timeseries": [
                // Labels in sorted order as the spec asks; one stale marker (not storable, so not counted).
                EventBuilder.series([("__name__", "v2_a"), ("job", "x"), ("zone", "€u")], samples + [(Self.stale, 1_700_000_000_100)])
                    .merging(["metadata": ["type": 1, "help": "a counter", "unit": "seconds"]]) { $1 },
                EventBuilder.series([("__name__", "v2_b"), ("job", "y")], [(42, 1_700_000_000_000)]),
                // Two native histograms: stored as classic series, as for 1.0 (Histograms-Written: 2).
                ["labels": [["__name__", "v2_h"]], "samples": [] as [Any], "histograms": 2],
            ]],
        ])
        let answer = try function.invoke(event: event)
        #expect(answer.statusCode == 204, "\(answer.httpBodyText) \(function.log)")
        #expect(Self.written(answer) == [Self.values.count + 1, 2, 0], "\(answer.headers)")

        let stored = try standIn.records()
        // Each histogram (one bucket (0.5, 1] with 3 observations) → _count, _sum, zero bucket, le="1.0", +Inf.
        let classic = stored.filter { ($0["measure_name"] as? String ?? "").hasPrefix("v2_h_") }
        #expect(classic.count == 10, "\(classic)")
        let counts = classic.filter { $0["measure_name"] as? String == "v2_h_count" }
        #expect(counts.count == 2 && counts.allSatisfy { $0["measure_value::double"] as? Double == 3 }, "\(counts)")
        #expect(stored.count == Self.values.count + 1 + 10)
        for value in Self.values {
            let match = stored.filter { $0["measure_name"] as? String == "v2_a" && $0["bits"] as? String == Self.bits(value) }
            #expect(match.count == 1, "\(value) not stored bit-exact: \(stored)")
            #expect(match.first?["job"] as? String == "x" && match.first?["zone"] as? String == "€u")
        }
        #expect(stored.contains { $0["measure_name"] as? String == "v2_b" && $0["measure_value::double"] as? Double == 42 })
        #expect(function.log.contains("proto=v2"), "\(function.log)")
        #expect(function.log.contains("histograms_converted=2") && function.log.contains("skipped_stale_marker=1"), "\(function.log)")

        // Remote-Write 1.0 keeps working in the same process, and its answer carries no *-Written header.
        let v1 = try function.invoke(event: try EventBuilder.event([
            "version": payloadVersion, "basic_auth": Self.auth,
            "write": ["timeseries": [EventBuilder.series([("__name__", "v1_c")], [(2.5, 1_700_000_001_000)])]],
        ]))
        #expect(v1.statusCode == 204, "\(v1.httpBodyText)")
        #expect(Self.written(v1) == [nil, nil, nil])
        #expect(try standIn.records().contains { $0["measure_name"] as? String == "v1_c" })
    }

    @Test func refusalsAndFailuresCarryTheRightCounts() throws {
        let standIn = try SQLStandIn()
        var environment = standIn.functionEnvironment
        environment["max_write_retries"] = "1"
        let function = try FunctionHarness(environment: environment)
        defer { function.stop() }
        let good = EventBuilder.series([("__name__", "ok")], [(1, 1_700_000_000_000)])

        // Unknown proto or encoding: 415 with a reason, before any decoding, so no *-Written headers.
        for (headers, reason) in [
            (["content-type": "application/x-protobuf;proto=io.prometheus.write.v3.Request"], "io.prometheus.write.v3.Request"),
            (["content-encoding": "zstd"], "zstd"),
        ] {
            let answer = try function.invoke(event: try EventBuilder.event(["basic_auth": Self.auth, "write_v2": ["timeseries": [good]], "headers": headers]))
            #expect(answer.statusCode == 415, "\(answer.httpBodyText)")
            #expect(answer.httpBodyText.contains(reason), "\(answer.httpBodyText)")
            #expect(Self.written(answer) == [nil, nil, nil])
        }
        // A label reference past the symbols table: 400 naming it, nothing written and the headers say so.
        var broken = good
        broken["labels_refs"] = [0, 99]
        let bad = try function.invoke(event: try EventBuilder.event(["basic_auth": Self.auth, "write_v2": ["timeseries": [good, broken]]]))
        #expect(bad.statusCode == 400, "\(bad.httpBodyText)")
        #expect(bad.httpBodyText.contains("series 1 labels_refs refers to symbol 99"), "\(bad.httpBodyText)")
        #expect(Self.written(bad) == [0, 0, 0])
        #expect(try standIn.records().isEmpty)

        // A series without a metric name next to a valid one: 400, and the header counts the one sample written.
        let partial = try function.invoke(event: try EventBuilder.event([
            "basic_auth": Self.auth, "write_v2": ["timeseries": [good, EventBuilder.series([("job", "x")], [(2, 1_700_000_000_000)])]],
        ]))
        #expect(partial.statusCode == 400, "\(partial.httpBodyText)")
        #expect(Self.written(partial) == [1, 0, 0])

        // Throttled until retries run out: 503 (Prometheus retries) and nothing counted as written.
        try standIn.inject(["throttle": 1000])
        let throttled = try function.invoke(event: try EventBuilder.event([
            "basic_auth": Self.auth, "write_v2": ["timeseries": [EventBuilder.series([("__name__", "later")], [(3, 1_700_000_000_000)])]],
        ]))
        #expect(throttled.statusCode == 503, "\(throttled.httpBodyText)")
        #expect(Self.written(throttled) == [0, 0, 0])
        #expect(try standIn.records().count == 1)
    }
}
