/// Why a sample received from Prometheus was not written. Counted per request and logged; stable names are
/// part of the log format.
public enum SkipReason: String, CaseIterable, Comparable, Sendable {
    /// NaN or ±Inf: Timestream DOUBLE cannot hold them.
    case nonFiniteValue = "non_finite_value"
    /// Prometheus staleness markers (a special NaN): they only mean "series ended" and cannot be stored.
    case staleMarker = "stale_marker"
    /// A timestamp before 1970 (negative): Timestream refuses the whole call for one ("Invalid time for record.").
    case timeBefore1970 = "time_before_1970"
    case metricNameTooLong = "metric_name_too_long"
    case labelNameTooLong = "label_name_too_long"
    case labelPairTooLong = "label_pair_too_long"
    case reservedLabelName = "reserved_label_name"
    /// A metric name Timestream keeps for its own columns (`TimestreamLimits.isReserved(measureName:)`).
    case reservedMetricName = "reserved_metric_name"
    case tooManyLabels = "too_many_labels"
    /// A label name with `:` (Prometheus 3 allows it; Timestream refuses it in dimension names).
    case labelNameWithColon = "label_name_with_colon"
    /// A record over Timestream's 2 KB (`TimestreamLimits.maxRecordBytes`).
    case recordTooLarge = "record_too_large"
    /// A label named like a metric of the same request (Timestream: a dimension cannot share a measure's name).
    case labelNamedLikeMetric = "label_named_like_metric"
    /// Native histogram samples that cannot become classic series (`ClassicHistogramSeries.unconvertible`):
    /// custom-bucket or reserved schemas, or a series with an `le` label or no metric name.
    case nativeHistogram = "native_histogram"
    /// Exemplars: not stored in this version.
    case exemplar = "exemplar"

    public static func < (a: SkipReason, b: SkipReason) -> Bool { a.rawValue < b.rawValue }
}

extension [SkipReason: Int] {
    /// The samples among the counted: every reason but `exemplar` (exemplars ride along with samples, they are not
    /// samples), so that samples received = written + skipped + rejected + failed.
    package var samples: Int {
        var total = 0
        for (reason, count) in self where reason != .exemplar { total += count }
        return total
    }
}
