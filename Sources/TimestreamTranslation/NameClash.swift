import RemoteStorage

/// Timestream refuses a dimension named like a measure of the same table ("the name for a dimension can not be
/// the same as the name for a measure"), e.g. `foo{foo="x"}`, or `up` next to `node_x{up="1"}`. Checked within
/// each request: a series with a label named like a metric of the request is skipped (the metric's own series are
/// kept). The table's earlier requests are not consulted (that would cost a query per write); Timestream's own
/// refusal then applies and the answer reports it as it is.
enum NameClash {
    /// The label names of a request's series (spans of `base`) that are also metric names in it, as bytes; a
    /// name-only series counts as having the placeholder label. `extraMetrics` and `extraLabels`: names the request
    /// has besides its series' labels (the classic series its native histograms become: `_bucket`, `_count`,
    /// `_sum` and `le`, counted even when a histogram cannot be converted).
    static func names(
        _ series: [WriteRequestView.SeriesRanges], labels: [WriteRequestView.LabelBytes], base: UnsafePointer<UInt8>,
        extraMetrics: Set<[UInt8]> = [], extraLabels: Set<[UInt8]> = []
    ) -> Set<[UInt8]> {
        var metrics = extraMetrics, names = extraLabels
        let placeholder = Array(TimestreamLimits.nameOnlyLabel.utf8)
        for one in series {
            var hasDimension = false
            for label in labels[one.labels] {
                let name = ByteSpan(base, offset: label.nameOffset, count: label.nameCount)
                if name.equals("__name__") {
                    metrics.insert(Array(ByteSpan(base, offset: label.valueOffset, count: label.valueCount).buffer))
                } else if label.valueCount > 0 {
                    names.insert(Array(name.buffer))
                    hasDimension = true
                }
            }
            if !hasDimension { names.insert(placeholder) }
        }
        return metrics.intersection(names)
    }
}

/// A lossy, allocation-free test for `NameClash`: one bit per (first byte, length) of every metric name and of
/// every label name, both taken modulo 64. No common bit: no label is named like a metric. A common bit (rare:
/// label names are short and metric names long) only means "check exactly".
struct NameClashFilter {
    // Inline storage: no allocation, no copy-on-write check per label.
    private var metrics = InlineArray<64, UInt64>(repeating: 0)
    private var labels = InlineArray<64, UInt64>(repeating: 0)

    @inline(__always) mutating func noteMetric(_ first: UInt8?, _ count: Int) {
        metrics[Int((first ?? 0) & 63)] |= 1 &<< UInt64(count & 63)
    }

    @inline(__always) mutating func noteLabel(_ first: UInt8?, _ count: Int) {
        labels[Int((first ?? 0) & 63)] |= 1 &<< UInt64(count & 63)
    }

    var mayClash: Bool {
        for i in 0..<64 where metrics[i] & labels[i] != 0 { return true }
        return false
    }
}
