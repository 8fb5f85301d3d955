import Foundation
@testable import RemoteStorage
import TestSupport
@testable import TimestreamCodec
@testable import TimestreamTranslation
import Testing

private typealias Dimension = TestSupport.Dimension

/// What Timestream would refuse — a record without dimensions, a record over 2 KB, a dimension name with `:`, a
/// dimension named like a measure — never reaches a WriteRecords call: name-only series get the placeholder
/// dimension, the rest is skipped and counted (or a 400 under `fail_on_long_label`). A body read in place and the
/// same body decoded give the same plan.
@Suite struct WritePreCheckTests {
    let config = WriteSettings(database: "db", table: "tbl")

    func series(_ labels: [(String, String)], _ samples: [(Double, Int64)] = [(1, 1000)]) -> TimeSeries {
        TimeSeries(
            labels: labels.map { Label(name: $0.0, value: $0.1) },
            samples: samples.map { Sample(value: $0.0, timestamp: $0.1) })
    }

    /// Every record as Timestream stores it (CommonAttributes merged), read back from the JSON bodies.
    fileprivate func stored(_ plan: WritePlan) -> [(measure: String, dimensions: [Dimension])] {
        plan.requests.flatMap { request in
            request.records.map { record in
                let common = request.commonAttributes
                let dimensions = ((common?.dimensions ?? []) + record.dimensions).sorted { $0.name < $1.name }
                return ((record.measureName ?? common?.measureName) ?? "<none>", dimensions)
            }
        }
    }

    /// Plans `request` read in place and decoded: both inputs must give the same plan.
    func plan(_ request: WriteRequest, _ config: WriteSettings) throws -> WritePlan {
        let (inPlace, general) = try InPlaceWriteTranslationTests.plans(request, config)
        #expect(inPlace == general)
        return general
    }

    @Test func nameOnlySeriesGetThePlaceholderDimensionOnBothPaths() throws {
        let request = WriteRequest(timeseries: [
            series([("__name__", "job:up:sum")], [(3, 1000), (4, 2000)]),
            series([("__name__", "up"), ("job", "node")]),
            // An empty-valued label is no label: still name-only.
            series([("__name__", "other:sum"), ("job", "")]),
        ])
        let plan = try plan(request, config)
        #expect(plan.stats.samplesToWrite == 4 && plan.stats.samplesSkipped == 0 && plan.invalidCount == 0)
        let records = stored(plan)
        #expect(records.map(\.measure) == ["job:up:sum", "job:up:sum", "up", "other:sum"])
        #expect(records[0].dimensions == [TimestreamLimits.nameOnlyDimension])
        #expect(records[1].dimensions == [TimestreamLimits.nameOnlyDimension])
        #expect(records[2].dimensions == [Dimension(name: "job", value: "node")])  // others keep the Go schema
        #expect(records[3].dimensions == [TimestreamLimits.nameOnlyDimension])
        #expect(TimestreamLimits.nameOnlyDimension == Dimension(name: "__name_only__", value: "true"))
        // Every record has a dimension (Timestream refuses the whole call otherwise).
        #expect(records.allSatisfy { !$0.dimensions.isEmpty })
    }

    @Test func aNameOnlySeriesAloneInACallKeepsItsPlaceholderInCommonAttributes() throws {
        let plan = try plan(WriteRequest(timeseries: [series([("__name__", "a:b")], [(1, 1), (2, 2)])]), config)
        #expect(plan.requests[0].commonAttributes?.dimensions == [TimestreamLimits.nameOnlyDimension])
        #expect(stored(plan).allSatisfy { $0.dimensions == [TimestreamLimits.nameOnlyDimension] })
    }

    @Test func aSeriesCarryingThePlaceholderLabelIsSkippedAsReserved() throws {
        let request = WriteRequest(timeseries: [
            series([("__name__", "m"), ("__name_only__", "true")]), series([("__name__", "ok"), ("a", "1")]),
        ])
        let plan = try plan(request, config)
        #expect(plan.stats.skipped == [.reservedLabelName: 1])
        #expect(stored(plan).map(\.measure) == ["ok"])
        var strict = config
        strict.failOnLongLabel = true
        let refused = WriteTranslation.plan(request, config: strict)
        #expect(refused.invalidCount == 1 && refused.invalid[0].contains("__name_only__"), "\(refused.invalid)")
    }

    /// Timestream's system identifiers "may not be used for dimension or measure names": such a metric is skipped
    /// before any call (Timestream would refuse its whole call), names that only resemble them are written.
    @Test func reservedMetricNamesAreSkippedOrRefused() throws {
        let reserved = ["time", "measure_value", "measure_name", "measure_name_x", "ts_non_existent_col", "ts_up"]
        let allowed = ["Time", "times", "tsx", "measure_value_total", "job:ts_up:sum", "m"]
        let request = WriteRequest(timeseries: (reserved + allowed).map { series([("__name__", $0), ("job", "x")]) })
        let plan = try plan(request, config)
        #expect(plan.stats.skipped == [.reservedMetricName: reserved.count])
        #expect(Set(stored(plan).map(\.measure)) == Set(allowed))
        var strict = config
        strict.failOnLongLabel = true
        let refused = WriteTranslation.plan(request, config: strict)
        #expect(refused.invalidCount == reserved.count)
        #expect(refused.invalid[0].contains("metric name 'time' is reserved by Timestream"), "\(refused.invalid)")
    }

    @Test func labelNamesWithAColonAreSkippedOrRefused() throws {
        let request = WriteRequest(timeseries: [
            series([("__name__", "m"), ("job", "x"), ("a:b", "1")]), series([("__name__", "m"), ("job", "y")]),
        ])
        let plan = try plan(request, config)
        #expect(plan.stats.skipped == [.labelNameWithColon: 1])
        #expect(stored(plan).map(\.dimensions) == [[Dimension(name: "job", value: "y")]])
        var strict = config
        strict.failOnLongLabel = true
        let refused = WriteTranslation.plan(request, config: strict)
        #expect(refused.invalidCount == 1)
        #expect(refused.invalid[0].contains("'a:b' contains ':'"), "\(refused.invalid)")
        #expect(refused.stats.samplesToWrite == 1)  // the valid series is still written
        // Colons in metric names (recording rules) and in values are fine.
        let fine = try self.plan(WriteRequest(timeseries: [series([("__name__", "job:m:rate5m"), ("i", "h:9100")])]), config)
        #expect(fine.stats.samplesToWrite == 1 && fine.stats.samplesSkipped == 0)
    }

    /// The word-at-a-time colon test against a plain byte search, for every length and position.
    @Test func theColonTestFindsEveryColonAndNothingElse() {
        var rng = SplitMix64.forTest()
        // Bytes next to ':' (0x3A) in value, and ones whose low bits match it.
        let others: [UInt8] = [0x39, 0x3B, 0x3A ^ 0x80, 0xBA, 0x00, 0xFF, 0x7A, 0x1A, 0x5F, 0x61]
        for length in 0...40 {
            for _ in 0..<30 {
                var bytes = (0..<length).map { _ in others.randomElement(using: &rng)! }
                if length > 0 && Bool.random(using: &rng) { bytes[Int.random(in: 0..<length, using: &rng)] = 0x3A }
                // Colons right outside the name must not count (the loads stay inside it).
                let padded = [0x3A] + bytes + [0x3A]
                let found = padded.withUnsafeBufferPointer {
                    TimestreamLimits.containsColon(UnsafeBufferPointer(rebasing: $0[1..<(1 + length)]))
                }
                #expect(found == bytes.contains(0x3A), "\(bytes)")
            }
        }
    }

    /// 2 KB per record, counted as Timestream meters it — 8 (time) + measure name + every dimension name and
    /// value, shared CommonAttributes included — with the value at its longest text (24 bytes).
    @Test func recordsOver2KBAreSkippedOrRefusedAtTheExactBoundary() throws {
        // "m" (1) + "a" + "b" (2) + 8 + 24 = 35 bytes besides the two values: values of 2013 bytes in total fit.
        func request(_ total: Int) -> WriteRequest {
            WriteRequest(timeseries: [
                series([("__name__", "m"), ("a", String(repeating: "x", count: total / 2)), ("b", String(repeating: "y", count: total - total / 2))]),
                series([("__name__", "m"), ("a", "small")]),
            ])
        }
        let fits = try plan(request(2013), config)
        #expect(fits.stats.samplesToWrite == 2 && fits.stats.samplesSkipped == 0)
        let over = try plan(request(2014), config)
        #expect(over.stats.skipped == [.recordTooLarge: 1])
        #expect(stored(over).map(\.dimensions) == [[Dimension(name: "a", value: "small")]])
        #expect(TimestreamLimits.firstViolation(metricName: "m", dimensions: [Dimension(name: "a", value: String(repeating: "x", count: 1007)), Dimension(name: "b", value: String(repeating: "y", count: 1007))]) == .recordTooLarge(bytes: 2049))
        var strict = config
        strict.failOnLongLabel = true
        let refused = WriteTranslation.plan(request(2014), config: strict)
        #expect(refused.invalidCount == 1 && refused.invalid[0].contains("up to 2049 bytes"), "\(refused.invalid)")
        // A name-only series is measured with its placeholder (17 bytes): never too large with a valid metric name.
        #expect(TimestreamLimits.firstViolation(metricName: String(repeating: "n", count: 256), dimensions: []) == nil)
    }

    @Test func aLabelNamedLikeAMetricOfTheRequestIsSkippedTheMetricKept() throws {
        let request = WriteRequest(timeseries: [
            series([("__name__", "up"), ("job", "a")]),
            series([("__name__", "probe"), ("up", "1")]),  // label `up` = metric `up`: skipped
            series([("__name__", "self"), ("self", "x")]),  // its own metric name
            series([("__name__", "fine"), ("job", "b")]),
        ])
        let plan = try plan(request, config)
        #expect(plan.stats.skipped == [.labelNamedLikeMetric: 2])
        #expect(stored(plan).map(\.measure) == ["up", "fine"])
        var strict = config
        strict.failOnLongLabel = true
        let refused = WriteTranslation.plan(request, config: strict)
        #expect(refused.invalidCount == 2 && refused.invalid[0].contains("'up' is also a metric name"), "\(refused.invalid)")
        // The same label without the metric in the request is written (the table beyond the request is not checked).
        let alone = try self.plan(WriteRequest(timeseries: [series([("__name__", "probe"), ("up", "1")])]), config)
        #expect(alone.stats.samplesToWrite == 1)
    }

    @Test func histogramsNamesTakePartInTheClashCheck() throws {
        // A native histogram `rpc` becomes rpc_bucket/_count/_sum: a label named `rpc_count` clashes with it.
        var histogram = series([("__name__", "rpc"), ("job", "a")], [])
        histogram.histograms = [
            Histogram(
                counts: .integer(count: 1, zeroCount: 0, negativeDeltas: [], positiveDeltas: [1]), sum: 1, schema: 0,
                zeroThreshold: 0, positiveSpans: [BucketSpan(offset: 0, length: 1)], timestamp: 5)
        ]
        let plan = WriteTranslation.plan(WriteRequest(timeseries: [histogram, series([("__name__", "x"), ("rpc_count", "1")])]), config: config)
        #expect(plan.stats.skipped[.labelNamedLikeMetric] == 1)
        #expect(!stored(plan).contains { $0.measure == "x" })
    }

    @Test func theClashFilterRulesOutOrdinaryRequestsAndNeverMissesAClash() {
        var rng = SplitMix64.forTest()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz_:0123456789")
        for _ in 0..<300 {
            let names = (0..<Int.random(in: 1...30, using: &rng)).map { _ in
                String((0..<Int.random(in: 1...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            }
            let metrics = Set(names.prefix(names.count / 2)), labels = Set(names.suffix(from: names.count / 2))
            var filter = NameClashFilter()
            for m in metrics { filter.noteMetric(m.utf8.first, m.utf8.count) }
            for l in labels { filter.noteLabel(l.utf8.first, l.utf8.count) }
            if !metrics.isDisjoint(with: labels) { #expect(filter.mayClash, "\(metrics) \(labels)") }
        }
        // What Prometheus sends all day: short label names, long metric names.
        var filter = NameClashFilter()
        for m in ["up", "scrape_duration_seconds", "node_cpu_seconds_total", "http_requests_total", "job:up:sum"] {
            filter.noteMetric(m.utf8.first, m.utf8.count)
        }
        for l in ["job", "instance", "cpu", "mode", "le", "code", "handler", "method", "__name_only__"] {
            filter.noteLabel(l.utf8.first, l.utf8.count)
        }
        #expect(!filter.mayClash)
    }
}
