import Foundation
import TestSupport
import Testing

/// Every Timestream rule the function pre-checks, through the built `bootstrap` against the SQL stand-in that
/// refuses each of them the way Timestream does (Tests/oracles/timestream_write_rules.py): a series breaking one
/// shares a request with good series, is skipped and counted under its own reason, and never costs its neighbours
/// their call; under `fail_on_long_label` the answer is a 400 naming it, after the good samples are written.
@Suite(.serialized) struct PreCheckTests {
    static let auth = ["AKIDEXAMPLE", "secret"]
    static let t0: Int64 = 1_700_000_000_000

    /// Good series around one bad series per pre-checked rule (all in the first WriteRecords call).
    static var series: [[String: Any]] {
        let long = String(repeating: "v", count: 1100)
        let bad: [[(String, String)]] = [
            [("__name__", "ts_up"), ("job", "x")],  // reserved_metric_name
            [("__name__", "m"), ("a:b", "1"), ("job", "x")],  // label_name_with_colon
            [("__name__", "m"), ("a", long), ("b", long)],  // record_too_large
            [("__name__", "probe"), ("up", "1")],  // label_named_like_metric (metric `up` below)
            [("__name__", "m"), ("__name_only__", "true")],  // reserved_label_name (the placeholder)
            [("__name__", "m"), ("measure_value_x", "1")],  // reserved_label_name
            [("__name__", String(repeating: "n", count: 257))],  // metric_name_too_long
            [("__name__", "m"), (String(repeating: "l", count: 61), "1")],  // label_name_too_long
            [("__name__", "m"), ("a", String(repeating: "p", count: 2048))],  // label_pair_too_long
        ]
        var out: [[String: Any]] = []
        for (i, labels) in bad.enumerated() {
            out.append(EventBuilder.series([("__name__", "up"), ("instance", "h\(i)"), ("job", "node")], [(1, t0)]))
            out.append(EventBuilder.series(labels, [(2, t0)]))
        }
        out.append(EventBuilder.series([("__name__", "job:up:sum")], [(3, t0)]))  // name-only: stored
        return out
    }

    @Test func eachBadSeriesIsSkippedAndCountedItsNeighboursStored() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let answer = try function.invoke(event: try EventBuilder.event(["basic_auth": Self.auth, "write_v2": ["timeseries": Self.series]]))
        #expect(answer.statusCode == 204, "\(answer.httpBodyText) \(function.log)")
        #expect(answer.headers["x-prometheus-remote-write-samples-written"] == "10", "\(answer.headers)")
        let log = function.log
        #expect(log.contains("samples_received=19 samples_written=10 samples_skipped=9"), "\(log)")
        for (reason, count) in [
            ("label_name_with_colon", 1), ("record_too_large", 1), ("label_named_like_metric", 1),
            ("reserved_label_name", 2), ("reserved_metric_name", 1), ("metric_name_too_long", 1), ("label_name_too_long", 1), ("label_pair_too_long", 1),
        ] {
            #expect(log.contains("skipped_\(reason)=\(count)"), "\(reason): \(log)")
        }
        let stored = try standIn.records()
        #expect(stored.count == 10)
        #expect(stored.filter { $0["measure_name"] as? String == "up" }.count == 9)
        #expect(stored.contains { $0["measure_name"] as? String == "job:up:sum" })
    }

    @Test func underFailOnLongLabelEachIsA400AfterTheGoodSamplesAreWritten() throws {
        let standIn = try SQLStandIn()
        var environment = standIn.functionEnvironment
        environment["fail_on_long_label"] = "true"
        let function = try FunctionHarness(environment: environment)
        defer { function.stop() }
        let answer = try function.invoke(event: try EventBuilder.event(["basic_auth": Self.auth, "write": ["timeseries": Self.series]]))
        #expect(answer.statusCode == 400, "\(answer.httpBodyText)")
        let body = answer.httpBodyText
        #expect(body.contains("9 series are invalid"), "\(body)")
        #expect(body.contains("'a:b' contains ':'") && body.contains("record of up to") && body.contains("'up' is also a metric name")
            && body.contains("metric name 'ts_up' is reserved"), "\(body)")
        #expect(body.contains("10 of 10 samples were written; not written: 9 skipped before writing"), "\(body)")
        #expect(try standIn.records().count == 10)
    }
}
