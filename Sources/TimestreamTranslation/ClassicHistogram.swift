#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RemoteStorage

/// Native histograms stored as the classic histogram series that `histogram_quantile` reads
/// (https://prometheus.io/docs/concepts/metric_types/#histogram): `<name>_count`, `<name>_sum` and cumulative
/// `<name>_bucket{le="…"}`. Bucket boundaries follow https://prometheus.io/docs/specs/native_histograms/:
/// with base = 2^(2^-schema), positive bucket i holds (base^(i-1), base^i], negative bucket i holds
/// [-base^i, -base^(i-1)), and the zero bucket [-zeroThreshold, zeroThreshold].
///
/// Each bucket becomes `le` = its upper bound: negative bucket i → -base^(i-1), the zero bucket → zeroThreshold,
/// positive bucket i → base^i; `le="+Inf"` is the count. Sorted by `le`, cumulative counts never decrease
/// (all counts are non-negative and the count covers every bucket), so the conversion loses only what lies
/// inside a bucket, exactly as a classic histogram with these boundaries would.
enum ClassicHistogram {
    /// Exponential schemas Prometheus defines; others (custom buckets, -53, and reserved numbers) are skipped
    /// with `native_histogram`.
    static let supportedSchemas: ClosedRange<Int32> = -4...8

    /// One `_bucket` sample: upper bound and cumulative count.
    struct CumulativeBucket: Equatable, Sendable {
        var upperBound: Double
        var cumulativeCount: Double
    }

    /// The cumulative buckets of `histogram`, by increasing upper bound, ending with `+Inf` = count;
    /// nil when its schema is not an exponential one.
    static func cumulativeBuckets(_ histogram: Histogram) -> [CumulativeBucket]? {
        guard supportedSchemas.contains(histogram.schema) else { return nil }
        var bounds: [(Double, Double)] = []
        for bucket in histogram.negativeBuckets {
            bounds.append((-upperBound(index: Int64(bucket.index) - 1, schema: histogram.schema), bucket.count))
        }
        // Always present, even empty, so the set of `le` series stays the same from sample to sample.
        bounds.append((histogram.zeroThreshold, histogram.zeroCount))
        for bucket in histogram.positiveBuckets {
            bounds.append((upperBound(index: Int64(bucket.index), schema: histogram.schema), bucket.count))
        }
        // Buckets for ±Inf observations have no finite bound: the +Inf bucket (= count) covers them.
        bounds.sort { $0.0 < $1.0 }
        var result: [CumulativeBucket] = []
        var running = 0.0
        for (bound, count) in bounds where bound < .infinity {
            running += count
            if let last = result.last, last.upperBound == bound {
                result[result.count - 1].cumulativeCount = running  // equal bounds (e.g. threshold == base^i) merge
            } else {
                result.append(CumulativeBucket(upperBound: bound, cumulativeCount: running))
            }
        }
        result.append(CumulativeBucket(upperBound: .infinity, cumulativeCount: histogram.count))
        return result
    }

    /// base^index for base = 2^(2^-schema), computed as Prometheus does (histogram/generic.go `getBound`):
    /// 2^(r/2^schema) × 2^q with index = q·2^schema + r, correctly rounded (glibc's exp2 is, for these values),
    /// MaxFloat64 for the last finite bucket and +Inf beyond it.
    static func upperBound(index: Int64, schema: Int32) -> Double {
        let fraction: Double
        let exponent: Int64
        if schema <= 0 {
            fraction = 1
            exponent = index << Int64(-schema)
        } else {
            fraction = exp2(Double(index & ((1 << Int64(schema)) - 1)) / Double(1 << Int64(schema)))
            exponent = index >> Int64(schema)
        }
        if exponent == 1024 && fraction == 1 { return .greatestFiniteMagnitude }
        if exponent >= 1024 { return .infinity }
        if exponent < -1100 { return 0 }
        return Double(sign: .plus, exponent: Int(exponent), significand: fraction)
    }
}
