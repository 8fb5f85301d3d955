// Native histograms in remote-write 1.0: `prometheus.Histogram` and `prometheus.BucketSpan` of prompb/types.proto
// (Prometheus 2.42, https://github.com/prometheus/prometheus/blob/v2.42.0/prompb/types.proto). Bucket layout:
// https://prometheus.io/docs/specs/native_histograms/ (spans, delta encoding, schemas).

/// A run of consecutive buckets (`BucketSpan`: offset = 1 sint32, length = 2 uint32). The first span's offset is
/// the index of its first bucket; a later span's offset is the gap after the previous span (never negative).
struct BucketSpan: Equatable, Hashable, Sendable {
    var offset: Int32
    var length: UInt32

    init(offset: Int32, length: UInt32) {
        self.offset = offset
        self.length = length
    }
}

/// One native histogram sample, validated on decode (see `HistogramError`).
package struct Histogram: Equatable, Sendable {
    /// The bucket counts, in the flavour the sender chose by its `count` oneof.
    enum Counts: Equatable, Sendable {
        /// Integer histograms (`count_int`): bucket counts delta-encoded within each side, in span order (the
        /// first delta is the first bucket's count, each next one the difference to the previous bucket).
        case integer(count: UInt64, zeroCount: UInt64, negativeDeltas: [Int64], positiveDeltas: [Int64])
        /// Float histograms (`count_float`): absolute bucket counts in span order.
        case float(count: Double, zeroCount: Double, negativeCounts: [Double], positiveCounts: [Double])
    }

    /// `reset_hint` (14): what the sender knows about counter resets.
    enum ResetHint: UInt64, Sendable {
        case unknown = 0, yes = 1, no = 2, gauge = 3
    }

    var counts: Counts
    /// Sum of observations; Prometheus' stale marker NaN here marks the series stale.
    package var sum: Double
    /// -4...8 are exponential schemas (each power of two split into 2^schema buckets); -53 marks custom
    /// buckets (later Prometheus versions); others are reserved.
    package var schema: Int32
    /// Observations with |v| <= zeroThreshold go to the zero bucket.
    package var zeroThreshold: Double
    var negativeSpans: [BucketSpan]
    var positiveSpans: [BucketSpan]
    /// The raw enum value (unknown values are kept, not refused, as proto3 does).
    var resetHint: UInt64
    /// Milliseconds since the epoch.
    package var timestamp: Int64

    init(
        counts: Counts, sum: Double, schema: Int32, zeroThreshold: Double, negativeSpans: [BucketSpan] = [],
        positiveSpans: [BucketSpan] = [], resetHint: UInt64 = 0, timestamp: Int64
    ) {
        self.counts = counts
        self.sum = sum
        self.schema = schema
        self.zeroThreshold = zeroThreshold
        self.negativeSpans = negativeSpans
        self.positiveSpans = positiveSpans
        self.resetHint = resetHint
        self.timestamp = timestamp
    }

    /// Total observation count (integer counts as Double).
    package var count: Double {
        switch counts {
        case .integer(let count, _, _, _): Double(count)
        case .float(let count, _, _, _): count
        }
    }

    /// Observations in the zero bucket.
    package var zeroCount: Double {
        switch counts {
        case .integer(_, let zero, _, _): Double(zero)
        case .float(_, let zero, _, _): zero
        }
    }

    /// One populated (or explicitly empty) bucket: its index in the schema and its absolute count.
    package struct Bucket: Equatable, Sendable {
        package var index: Int32
        package var count: Double

        init(index: Int32, count: Double) {
            self.index = index
            self.count = count
        }
    }

    /// The negative buckets with absolute counts, in span order (increasing index, i.e. decreasing value).
    /// Only meaningful for a validated histogram; a span/count mismatch yields the buckets both cover.
    package var negativeBuckets: [Bucket] { Self.buckets(negativeSpans, side: .negative, counts) }

    /// The positive buckets with absolute counts, in span order (increasing index and value).
    package var positiveBuckets: [Bucket] { Self.buckets(positiveSpans, side: .positive, counts) }

    enum Side { case negative, positive }

    static func buckets(_ spans: [BucketSpan], side: Side, _ counts: Counts) -> [Bucket] {
        let absolute: [Double]
        switch counts {
        case .integer(_, _, let negative, let positive):
            var running: Int64 = 0
            absolute = (side == .negative ? negative : positive).map { delta in
                running = running &+ delta
                return Double(running)
            }
        case .float(_, _, let negative, let positive):
            absolute = side == .negative ? negative : positive
        }
        var result: [Bucket] = []
        result.reserveCapacity(absolute.count)
        var index: Int64 = 0
        var position = 0
        for span in spans {
            index += Int64(span.offset)
            for _ in 0..<span.length {
                guard position < absolute.count, let bucketIndex = Int32(exactly: index) else { return result }
                result.append(Bucket(index: bucketIndex, count: absolute[position]))
                position += 1
                index += 1
            }
        }
        return result
    }
}
