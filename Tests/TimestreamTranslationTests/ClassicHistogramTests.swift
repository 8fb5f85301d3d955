// Native → classic histogram conversion against Tests/oracles/native_histogram.py, which computes bucket bounds
// from the documented formula in 60-digit decimal arithmetic and formats `le` as Go does, independently.
@testable import TimestreamCodec
@testable import TimestreamTranslation
import Foundation
@testable import RemoteStorage
import TestSupport
import Testing

@Suite struct ClassicHistogramTests {
    func oracleLines(_ arguments: [String]) throws -> [[String: Any]] {
        let output = try Oracle.run("native_histogram.py", arguments)
        return try output.split(separator: 0x0A).map { try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
    }

    func bits(_ hex: Any?) -> UInt64 { UInt64(hex as! String, radix: 16)! }

    /// `le` as Go's `FormatFloat(v, 'g', -1, 64)` writes it (exporters' `le="1e+06"`), plus OpenMetrics' ".0".
    @Test(arguments: [
        (1.0, "1.0"), (0.25, "0.25"), (1e-05, "1e-05"), (0.0001, "0.0001"), (100000.0, "100000.0"), (123456.5, "123456.5"),
        (999999.0, "999999.0"), (1e6, "1e+06"), (1048576.0, "1.048576e+06"), (2.5e7, "2.5e+07"), (1e21, "1e+21"),
        (-1e6, "-1e+06"), (0.0, "0.0"), (Double.infinity, "+Inf"),
    ])
    func leTextIsGosFormatFloat(value: Double, text: String) {
        #expect(PrometheusFloatText.format(value) == text)
    }

    @Test func boundsAndLeTextMatchTheOracle() throws {
        let lines = try oracleLines(["bounds"])
        #expect(lines.count > 3000)
        for line in lines {
            let expected = bits(line["bits"])
            if let schema = line["schema"] as? Int, let index = line["index"] as? Int {
                let bound = ClassicHistogram.upperBound(index: Int64(index), schema: Int32(schema))
                #expect(bound.bitPattern == expected, "schema \(schema) index \(index): \(bound)")
            }
            let text = PrometheusFloatText.format(Double(bitPattern: expected))
            #expect(text == line["text"] as? String, "bits \(String(expected, radix: 16))")
        }
    }

    /// 400 random histograms (both flavours, schemas -4…8, negative buckets, zero thresholds, stale markers,
    /// custom-bucket schemas) encoded by Python protobuf, decoded and converted by Swift.
    @Test func randomHistogramsConvertToTheOraclesClassicSeries() throws {
        var converted = 0, stale = 0, unconvertible = 0, negatives = 0
        for line in try oracleLines(["corpus", "20261124", "400"]) {
            let body = [UInt8](Data(base64Encoded: line["body"] as! String)!)
            let request = try WriteRequest(protobuf: Snappy.decompress(body))
            let classic = ClassicHistogramSeries(request.timeseries[0])
            let expected = line["expected"] as! [[String: Any]]
            #expect(classic.stale == expected.filter { $0["stale"] != nil }.count)
            #expect(classic.unconvertible == expected.filter { $0["unconvertible"] != nil }.count)
            stale += classic.stale
            unconvertible += classic.unconvertible
            for entry in expected where entry["count"] != nil {
                converted += 1
                let time = (entry["timestamp"] as! NSNumber).int64Value
                func value(_ name: String, le: String? = nil) -> [UInt64] {
                    classic.series.filter { series in
                        series.labels.contains(Label(name: "__name__", value: "rpc_latency_seconds" + name))
                            && series.labels.first { $0.name == "le" }?.value == le
                            && series.labels.contains(Label(name: "job", value: "api"))
                    }.flatMap(\.samples).filter { $0.timestamp == time }.map(\.value.bitPattern)
                }
                #expect(value("_count") == [bits(entry["count"])])
                #expect(value("_sum") == [bits(entry["sum"])])
                let buckets = entry["buckets"] as! [[String]]
                // Every bucket series with a sample at this time is one the oracle expects, with its value.
                let actual = classic.series.filter { $0.labels.contains { $0.name == "le" } }.compactMap { series -> [String]? in
                    guard let sample = series.samples.first(where: { $0.timestamp == time }) else { return nil }
                    let le = series.labels.first { $0.name == "le" }!.value
                    return [le, String(sample.value.bitPattern, radix: 16).leftPadded(16)]
                }
                #expect(actual == buckets.map { [$0[0], $0[2]] })
                if buckets.first?[0].hasPrefix("-") == true { negatives += 1 }
                // Properties: non-decreasing in le, and +Inf is the count.
                let cumulative = buckets.map { Double(bitPattern: bits($0[2])) }
                #expect(zip(cumulative, cumulative.dropFirst()).allSatisfy { $0 <= $1 * (1 + 1e-9) })
                #expect(buckets.last?[0] == "+Inf" && buckets.last?[2] == entry["count"] as? String)
            }
        }
        #expect(converted > 600 && stale > 20 && unconvertible > 5 && negatives > 100)
    }

    func histogram(sum: Double, time: Int64) -> Histogram {
        Histogram(
            counts: .integer(count: 6, zeroCount: 1, negativeDeltas: [1], positiveDeltas: [2, 0]), sum: sum, schema: 0,
            zeroThreshold: 0.5, negativeSpans: [BucketSpan(offset: 1, length: 1)],
            positiveSpans: [BucketSpan(offset: 0, length: 2)], timestamp: time)
    }

    @Test func histogramSamplesBecomeRecordsOnTheOrdinaryPath() throws {
        var series = TimeSeries(labels: [Label(name: "__name__", value: "lat"), Label(name: "job", value: "a")], samples: [])
        let stale = Histogram(
            counts: .integer(count: 0, zeroCount: 0, negativeDeltas: [], positiveDeltas: []),
            sum: Double(bitPattern: SampleValue.staleMarkerBits), schema: 0, zeroThreshold: 0, timestamp: 3000)
        series.histograms = [histogram(sum: 9, time: 1000), histogram(sum: .nan, time: 2000), stale]
        let plan = WriteTranslation.plan(WriteRequest(timeseries: [series]), config: WriteSettings(database: "db", table: "t"))
        // Schema 0: negative bucket 1 → le -1, zero bucket → 0.5, positive 0 → 1, positive 1 → 2, +Inf.
        var stored: [String: [String]] = [:]
        for request in plan.requests {
            for record in request.records {
                let dimensions = (request.commonAttributes?.dimensions ?? []) + record.dimensions
                let le = dimensions.first { $0.name == "le" }?.value
                let name = (record.measureName ?? request.commonAttributes?.measureName)! + (le.map { "{le=\($0)}" } ?? "")
                #expect(dimensions.contains(Dimension(name: "job", value: "a")))
                stored[name, default: []].append(record.measureValue + "@" + record.time)
            }
        }
        #expect(stored == [
            "lat_count": ["6.0@1000", "6.0@2000"], "lat_sum": ["9.0@1000"],
            "lat_bucket{le=-1.0}": ["1.0@1000", "1.0@2000"], "lat_bucket{le=0.5}": ["2.0@1000", "2.0@2000"],
            "lat_bucket{le=1.0}": ["4.0@1000", "4.0@2000"], "lat_bucket{le=2.0}": ["6.0@1000", "6.0@2000"],
            "lat_bucket{le=+Inf}": ["6.0@1000", "6.0@2000"],
        ])
        #expect(plan.stats.histogramsReceived == 3 && plan.stats.histogramsConverted == 2)
        #expect(plan.stats.histogramsToWrite == 1)  // the one at 2000 lost its _sum (NaN)
        #expect(plan.stats.skipped == [.staleMarker: 1, .nonFiniteValue: 1])  // the stale histogram, the NaN sum
        #expect(plan.stats.samplesReceived == plan.stats.samplesToWrite + plan.stats.samplesSkipped)
        #expect(plan.stats.samplesToWrite == 13)
        #expect(plan.invalidCount == 0)
    }

    /// Histograms whose classic series Timestream cannot hold (a label name with `:`, legal in Prometheus 3) are
    /// skipped, and not counted as written (Remote-Write 2.0's Histograms-Written said 5 of them were); the
    /// histograms of another series in the same request are.
    @Test func histogramsOfSkippedClassicSeriesAreNotCountedWritten() {
        var skipped = TimeSeries(labels: [Label(name: "__name__", value: "lat"), Label(name: "a:b", value: "x")], samples: [])
        skipped.histograms = (1...5).map { histogram(sum: 1, time: Int64($0) * 1000) }
        var kept = TimeSeries(labels: [Label(name: "__name__", value: "lat"), Label(name: "job", value: "a")], samples: [])
        kept.histograms = (1...3).map { histogram(sum: 1, time: Int64($0) * 1000) }
        let plan = WriteTranslation.plan(WriteRequest(timeseries: [skipped, kept]), config: WriteSettings(database: "db", table: "t"))
        #expect(plan.stats.histogramsConverted == 8)
        #expect(plan.stats.histogramsToWrite == 3)
        #expect(plan.stats.skipped[.labelNameWithColon] == 5 * 7)  // _count, _sum, 5 buckets per histogram
    }

    @Test func seriesWithAnLeLabelAreNotConverted() {
        var series = TimeSeries(labels: [Label(name: "__name__", value: "x"), Label(name: "le", value: "1")], samples: [])
        series.histograms = [histogram(sum: 1, time: 1)]
        let classic = ClassicHistogramSeries(series)
        #expect(classic.series.isEmpty && classic.unconvertible == 1)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// The classic series run through real Prometheus' PromQL engine (`promtool test rules`, Prometheus 2.42):
/// `histogram_quantile` over what Swift produced must equal (to 1e-12 relative) the oracle's quantiles, computed by
/// the documented interpolation over its own independently computed buckets. Needs the Debian `prometheus` package (promtool).
@Suite struct PromQLHistogramQuantileTests {
    @Test(.enabled(if: Promtool.testsEnabled, "promtool (apt package prometheus) is not installed"))
    func histogramQuantileOverTheClassicSeriesMatchesTheOracle() throws {
        let output = try Oracle.run("native_histogram.py", ["corpus", "777", "40"])
        var yaml = "evaluation_interval: 1m\ntests:\n"
        var cases = 0
        for line in output.split(separator: 0x0A) {
            let entry = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
            let request = try WriteRequest(protobuf: Snappy.decompress([UInt8](Data(base64Encoded: entry["body"] as! String)!)))
            let classic = ClassicHistogramSeries(request.timeseries[0])
            for expected in entry["expected"] as! [[String: Any]] where expected["quantiles"] != nil {
                let time = (expected["timestamp"] as! NSNumber).int64Value
                yaml += "  - interval: 1m\n    input_series:\n"
                for series in classic.series {
                    guard let le = series.labels.first(where: { $0.name == "le" })?.value,
                        let sample = series.samples.first(where: { $0.timestamp == time })
                    else { continue }
                    yaml += "      - series: 'rpc_latency_seconds_bucket{job=\"api\", le=\"\(le)\"}'\n        values: '\(sample.value)'\n"
                }
                yaml += "    promql_expr_test:\n"
                for pair in expected["quantiles"] as! [[Any]] {
                    let value = pair[1] as! String
                    guard value != "nan" else { continue }
                    cases += 1
                    // Go's and Python's last bit can differ in the interpolation; 1e-12 relative is far below
                    // any bucket-boundary or count error.
                    let quantile = "histogram_quantile(\(pair[0]), rpc_latency_seconds_bucket)"
                    let tolerance = 1e-12 * Double(value)!.magnitude
                    yaml += "      - expr: abs(\(quantile) - (\(value))) <= bool \(tolerance)\n        eval_time: 0m\n"
                    yaml += "        exp_samples:\n          - labels: '{job=\"api\"}'\n            value: 1\n"
                }
            }
        }
        #expect(cases > 200)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("histogram-quantile-\(UUID().uuidString).yml")
        try Data(yaml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, text) = try Promtool.run(["test", "rules", file.path])
        #expect(status == 0, "\(text.prefix(3000))")
        #expect(text.contains("SUCCESS"))
    }
}
