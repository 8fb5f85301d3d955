/// Why a native histogram is malformed: the checks Prometheus' own `ValidateHistogram` /
/// `ValidateFloatHistogram` make (tsdb/head_append.go), so a request Prometheus would refuse is refused here too.
/// `side` is "negative" or "positive".
package enum HistogramError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spans' lengths add up to another number than the deltas/counts given.
    case spanLengthMismatch(side: String, spanBuckets: UInt64, counts: Int)
    /// A span after the first has a negative offset (spans must not overlap or go backwards).
    case negativeSpanOffset(side: String, span: Int, offset: Int32)
    /// A bucket index outside Int32 (offsets and lengths add up too far).
    case bucketIndexOutOfRange(side: String)
    /// Deltas that make an absolute bucket count negative, or a negative/non-finite float count.
    case invalidBucketCount(side: String, bucket: Int)
    /// An integer histogram carrying float bucket counts or zero count, or the reverse.
    case mixedIntegerAndFloat
    /// A negative or non-finite zero threshold, count or zero count.
    case invalidScalar(field: String)
    /// The count is smaller than the zero bucket plus all buckets.
    case countBelowBuckets(count: Double, buckets: Double)

    package var description: String {
        switch self {
        case .spanLengthMismatch(let side, let spanBuckets, let counts):
            "histogram: \(side) spans cover \(spanBuckets) buckets but \(counts) counts were sent"
        case .negativeSpanOffset(let side, let span, let offset):
            "histogram: \(side) span \(span) has negative offset \(offset)"
        case .bucketIndexOutOfRange(let side): "histogram: \(side) bucket index beyond 32 bits"
        case .invalidBucketCount(let side, let bucket): "histogram: \(side) bucket \(bucket) has a negative or non-finite count"
        case .mixedIntegerAndFloat: "histogram: integer and float counts mixed in one histogram"
        case .invalidScalar(let field): "histogram: \(field) is negative or not finite"
        case .countBelowBuckets(let count, let buckets): "histogram: count \(count) is below the bucket total \(buckets)"
        }
    }
}
