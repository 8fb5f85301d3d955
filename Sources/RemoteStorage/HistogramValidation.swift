extension Histogram {
    /// Checks what Prometheus' `ValidateHistogram` / `ValidateFloatHistogram` check: spans cover exactly the counts
    /// sent, later spans do not go backwards, absolute counts are non-negative, and — for integer histograms only —
    /// the count covers all buckets. Float histograms are checked no further, as Prometheus does ("floating point
    /// precision issues can create false positives" for the count; NaN or infinite counts pass): what such a
    /// histogram cannot give Timestream (a NaN `_count`) is skipped sample by sample when it is converted, not
    /// refused with the whole request.
    func validate() throws(HistogramError) {
        guard zeroThreshold >= 0, zeroThreshold.isFinite else { throw .invalidScalar(field: "zero_threshold") }
        let negativeCounts: Int, positiveCounts: Int
        switch counts {
        case .integer(_, _, let negative, let positive): (negativeCounts, positiveCounts) = (negative.count, positive.count)
        case .float(_, _, let negative, let positive): (negativeCounts, positiveCounts) = (negative.count, positive.count)
        }
        try Self.checkSpans(negativeSpans, counts: negativeCounts, side: "negative")
        try Self.checkSpans(positiveSpans, counts: positiveCounts, side: "positive")
        switch counts {
        case .integer(let count, let zero, let negative, let positive):
            // Integer counts are exact: check them in integers so counts beyond 2^53 compare correctly.
            var total = zero
            for (side, deltas) in [("negative", negative), ("positive", positive)] {
                var running: Int64 = 0
                for (position, delta) in deltas.enumerated() {
                    let (next, overflow) = running.addingReportingOverflow(delta)
                    guard !overflow, next >= 0 else { throw .invalidBucketCount(side: side, bucket: position) }
                    running = next
                    let (sum, sumOverflow) = total.addingReportingOverflow(UInt64(next))
                    guard !sumOverflow else { throw .countBelowBuckets(count: Double(count), buckets: .infinity) }
                    total = sum
                }
            }
            guard total <= count else { throw .countBelowBuckets(count: Double(count), buckets: Double(total)) }
        case .float(_, _, let negative, let positive):
            for (side, values) in [("negative", negative), ("positive", positive)] {
                for (position, value) in values.enumerated() where value < 0 {
                    throw .invalidBucketCount(side: side, bucket: position)
                }
            }
        }
    }

    private static func checkSpans(_ spans: [BucketSpan], counts: Int, side: String) throws(HistogramError) {
        var covered: UInt64 = 0
        var index = Int64(0)
        for (number, span) in spans.enumerated() {
            if number > 0 && span.offset < 0 { throw .negativeSpanOffset(side: side, span: number, offset: span.offset) }
            index += Int64(span.offset) + Int64(span.length)
            // The last index used is index - 1; the next span may start at most Int32.max.
            guard index - 1 <= Int64(Int32.max), index >= Int64(Int32.min) else { throw .bucketIndexOutOfRange(side: side) }
            covered += UInt64(span.length)
        }
        guard covered == UInt64(counts) else { throw .spanLengthMismatch(side: side, spanBuckets: covered, counts: counts) }
    }
}
