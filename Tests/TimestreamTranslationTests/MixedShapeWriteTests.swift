@testable import RemoteStorage
import TestSupport
@testable import TimestreamTranslation
import Testing

/// One 1.0 request of every shape at once — plain series, native histogram series (converted and stale),
/// exemplars, metadata, non-ASCII and unsorted label names — decoded once (`WriteRequestView`) and translated from
/// the body: the same WriteRecords bodies, statistics and 400 reasons as the same request built as values.
@Suite struct MixedShapeWriteTests {
    static let time: Int64 = 1_700_000_000_000

    /// An integer histogram of 3 observations: 1 in the zero bucket, 1 in each of buckets 0 and 1 (schema 0).
    static func histogramBytes(sum: Double, at timestamp: Int64) -> [UInt8] {
        var h = ProtobufBytes()
        h.varintField(1, 3)  // count_int
        h.doubleField(3, sum)
        h.zigzagField(4, 0)  // schema
        h.doubleField(5, 0.001)  // zero_threshold
        h.varintField(6, 1)  // zero_count_int
        h.span(11, 0, 2)
        h.packedZigzag(12, [1, 0])
        h.varintField(15, UInt64(timestamp))
        return h.data
    }

    static func histogram(sum: Double, at timestamp: Int64) -> Histogram {
        Histogram(
            counts: .integer(count: 3, zeroCount: 1, negativeDeltas: [], positiveDeltas: [1, 0]), sum: sum, schema: 0,
            zeroThreshold: 0.001, positiveSpans: [BucketSpan(offset: 0, length: 2)], timestamp: timestamp)
    }

    /// `series` as values and as wire bytes with `exemplars` exemplars and `histograms` (sum, timestamp) appended.
    static func series(
        _ labels: [(String, String)], samples: [Sample], exemplars: Int = 0, histograms: [(Double, Int64)] = []
    ) -> (TimeSeries, [UInt8]) {
        var wire = ProtobufBytes()
        for (name, value) in labels {
            var label = ProtobufBytes()
            label.stringField(1, name)
            label.stringField(2, value)
            wire.bytesField(1, label.data)
        }
        for sample in samples {
            var one = ProtobufBytes()
            one.doubleField(1, sample.value)
            one.varintField(2, UInt64(bitPattern: sample.timestamp))
            wire.bytesField(2, one.data)
        }
        for index in 0..<exemplars {
            var exemplar = ProtobufBytes()
            var label = ProtobufBytes()
            label.stringField(1, "trace_id")
            label.stringField(2, "abc\(index)")
            exemplar.bytesField(1, label.data)
            exemplar.doubleField(2, 0.5)
            exemplar.varintField(3, UInt64(time))
            wire.bytesField(3, exemplar.data)
        }
        for (sum, timestamp) in histograms { wire.bytesField(4, histogramBytes(sum: sum, at: timestamp)) }
        let value = TimeSeries(
            labels: labels.map { Label(name: $0.0, value: $0.1) }, samples: samples, exemplarCount: exemplars,
            histograms: histograms.map { histogram(sum: $0.0, at: $0.1) })
        return (value, wire.data)
    }

    /// The request: its values, and its body with two metadata entries between the series.
    static func mixedRequest() -> (WriteRequest, [UInt8]) {
        let stale = Double(bitPattern: SampleValue.staleMarkerBits)
        let parts = [
            series([("__name__", "up"), ("instance", "a"), ("job", "node")], samples: [Sample(value: 1, timestamp: time)]),
            series(
                [("__name__", "rpc_latency_seconds"), ("job", "api")], samples: [], exemplars: 1,
                histograms: [(4.5, time), (6.5, time + 1000)]),
            // Unsorted, with a non-ASCII name and value.
            series(
                [("__name__", "http_requests_total"), ("z\u{E9}", "\u{FC}ber"), ("code", "200")],
                samples: [Sample(value: 5, timestamp: time)], exemplars: 2),
            series([("__name__", "gone_seconds"), ("job", "api")], samples: [], histograms: [(stale, time)]),
            // Refused: a repeated name (a 400 reason).
            series([("__name__", "dup"), ("a", "1"), ("a", "2")], samples: [Sample(value: 1, timestamp: time)]),
        ]
        var body = ProtobufBytes()
        for (index, part) in parts.enumerated() {
            body.bytesField(1, part.1)
            if index == 1 {
                var metadata = ProtobufBytes()
                metadata.varintField(1, 1)
                metadata.stringField(2, "rpc_latency_seconds")
                metadata.stringField(4, "Latency of RPCs.")
                body.bytesField(3, metadata.data)
                body.bytesField(3, metadata.data)
            }
        }
        return (WriteRequest(timeseries: parts.map(\.0), metadataCount: 2), body.data)
    }

    @Test func aRequestOfEveryShapeIsDecodedOnceAndTranslatedAsItsValues() throws {
        let (request, body) = Self.mixedRequest()
        let config = WriteSettings(database: "db", table: "t")
        let (view, plan) = try body.withUnsafeBytes { bytes in
            let view = try WriteRequestView(protobuf: bytes)
            return (view, WriteTranslation.plan(view, body: bytes, config: config))
        }
        // The decoder read everything, in one pass.
        #expect(view.series.count == 5 && view.metadataCount == 2 && view.exemplarCount == 3)
        #expect(view.extras.map(\.series) == [1, 2, 3])
        #expect(view.extras[0].histograms == request.timeseries[1].histograms)
        #expect(plan == WriteTranslation.plan(request, config: config))
        // And what it means: 2 plain samples, classic series from 2 histograms, one stale, one refused series.
        #expect(plan.stats.series == 5 && plan.stats.metadata == 2)
        #expect(plan.stats.skipped[.exemplar] == 3 && plan.stats.skipped[.staleMarker] == 1)
        #expect(plan.stats.histogramsReceived == 3 && plan.stats.histogramsConverted == 2)
        #expect(plan.stats.classicSamplesToWrite >= 6 && plan.stats.samplesToWrite == 2 + plan.stats.classicSamplesToWrite)
        #expect(plan.invalidCount == 1 && plan.invalid.first?.contains("has the label 'a' more than once") == true)
        let json = String(decoding: plan.calls.flatMap(\.json), as: UTF8.self)
        #expect(json.contains("\"z\u{E9}\"") && json.contains("rpc_latency_seconds_bucket") && json.contains("\"le\""))
    }
}
