// Native histogram decoding: both flavours, packed and unpacked repeated fields, and each HistogramError.
// Values decoded from Python-encoded histograms are checked through the classic conversion in ConnectorTests.
@testable import RemoteStorage
import TestSupport
import Testing

@Suite("Native histogram decoding")
struct HistogramDecodingTests {
    /// Minimal protobuf writer for hand-made histograms (independent of RemoteStorage's writer).
    typealias Bytes = ProtobufBytes

    /// Wraps a histogram message into WriteRequest { timeseries { labels {__name__=h} histograms {…} } }.
    func decode(_ histogram: Bytes) -> Result<Histogram, ProtobufError> {
        var label = Bytes()
        label.bytesField(1, Array("__name__".utf8))
        label.bytesField(2, Array("h".utf8))
        var series = Bytes()
        series.bytesField(1, label.data)
        series.bytesField(4, histogram.data)
        var request = Bytes()
        request.bytesField(1, series.data)
        return Result { () throws(ProtobufError) in try WriteRequest(protobuf: request.data) }.map { $0.timeseries[0].histograms[0] }
    }

    @Test func integerHistogramPackedAndUnpackedDeltas() throws {
        var h = Bytes()
        h.varintField(1, 12)  // count_int
        h.doubleField(3, 7.5)  // sum
        h.zigzagField(4, 3)  // schema
        h.doubleField(5, 0.001)
        h.varintField(6, 2)  // zero_count_int
        h.span(11, -2, 2)
        h.span(11, 3, 1)
        h.packedZigzag(12, [4, -1])  // counts 4, 3 …
        h.zigzagField(12, -2)  // … 1, unpacked
        h.span(8, 5, 1)
        h.zigzagField(9, 2)
        h.varintField(14, 2)
        h.varintField(15, 1_700_000_000_123)
        let decoded = try decode(h).get()
        #expect(decoded.counts == .integer(count: 12, zeroCount: 2, negativeDeltas: [2], positiveDeltas: [4, -1, -2]))
        #expect(decoded.positiveBuckets == [.init(index: -2, count: 4), .init(index: -1, count: 3), .init(index: 3, count: 1)])
        #expect(decoded.negativeBuckets == [.init(index: 5, count: 2)])
        #expect(decoded.schema == 3 && decoded.sum == 7.5 && decoded.zeroThreshold == 0.001)
        #expect(decoded.resetHint == 2 && decoded.timestamp == 1_700_000_000_123)
    }

    @Test func floatHistogramAndOneofLastWins() throws {
        var h = Bytes()
        h.varintField(1, 99)  // count_int, then overridden by count_float
        h.doubleField(2, 10.5)
        h.doubleField(7, 0.5)
        h.span(11, 0, 2)
        h.doubleField(13, 4)
        h.doubleField(13, 6)
        let decoded = try decode(h).get()
        #expect(decoded.counts == .float(count: 10.5, zeroCount: 0.5, negativeCounts: [], positiveCounts: [4, 6]))
        #expect(decoded.count == 10.5 && decoded.zeroCount == 0.5)
    }

    @Test func malformedHistogramsAreTypedErrors() {
        func expectError(_ error: HistogramError, _ build: (inout Bytes) -> Void) {
            var h = Bytes()
            build(&h)
            #expect(decode(h) == .failure(.invalidHistogram(error)), "\(error)")
        }
        expectError(.spanLengthMismatch(side: "positive", spanBuckets: 3, counts: 2)) { h in
            h.varintField(1, 10); h.span(11, 0, 3); h.packedZigzag(12, [1, 1])
        }
        expectError(.spanLengthMismatch(side: "negative", spanBuckets: 0, counts: 1)) { h in
            h.varintField(1, 10); h.zigzagField(9, 1)
        }
        expectError(.negativeSpanOffset(side: "positive", span: 1, offset: -1)) { h in
            h.varintField(1, 10); h.span(11, 0, 1); h.span(11, -1, 1); h.packedZigzag(12, [1, 0])
        }
        expectError(.invalidBucketCount(side: "positive", bucket: 1)) { h in
            h.varintField(1, 10); h.span(11, 0, 2); h.packedZigzag(12, [1, -2])
        }
        expectError(.mixedIntegerAndFloat) { h in
            h.varintField(1, 10); h.span(11, 0, 1); h.doubleField(13, 1)
        }
        expectError(.mixedIntegerAndFloat) { h in
            h.doubleField(2, 10); h.varintField(6, 1)
        }
        expectError(.countBelowBuckets(count: 3, buckets: 4)) { h in
            h.varintField(1, 3); h.varintField(6, 1); h.span(11, 0, 1); h.packedZigzag(12, [3])
        }
        expectError(.invalidBucketCount(side: "positive", bucket: 0)) { h in
            h.doubleField(2, 10); h.span(11, 0, 1); h.doubleField(13, -1)
        }
        expectError(.invalidScalar(field: "zero_threshold")) { h in h.doubleField(5, -1) }
        expectError(.bucketIndexOutOfRange(side: "positive")) { h in
            h.varintField(1, 10); h.span(11, Int64(Int32.max), 2); h.packedZigzag(12, [0, 0])
        }
    }

    /// Float histograms Prometheus' `ValidateFloatHistogram` accepts are accepted: a NaN or infinite count or
    /// bucket, a count below the bucket total (floating-point rounding), a NaN zero count.
    @Test func floatHistogramsPrometheusAcceptsAreAccepted() {
        var builds: [(inout Bytes) -> Void] = []
        builds.append { h in h.doubleField(2, .nan); h.span(11, 0, 1); h.doubleField(13, 1) }
        builds.append { h in h.doubleField(2, 10); h.span(11, 0, 2); h.doubleField(13, .infinity); h.doubleField(13, .nan) }
        builds.append { h in h.doubleField(2, 3); h.span(11, 0, 1); h.doubleField(13, 4) }
        builds.append { h in h.doubleField(2, 3); h.doubleField(7, .nan) }
        for (number, build) in builds.enumerated() {
            var h = Bytes()
            build(&h)
            if case .failure(let error) = decode(h) { Issue.record("histogram \(number) refused: \(error)") }
        }
    }

    @Test func wrongWireTypeInHistogramIsAnError() {
        var h = Bytes()
        h.tag(3, 0)  // sum as a varint
        h.varint(1)
        #expect(decode(h) == .failure(.wrongWireType(message: "Histogram", field: 3, wireType: 0)))
    }
}
