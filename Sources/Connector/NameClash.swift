import RemoteStorage

/// Timestream refuses a dimension named like a measure of the same table ("the name for a dimension can not be
/// the same as the name for a measure"), e.g. `foo{foo="x"}`, or `up` next to `node_x{up="1"}`. Checked within
/// each request: a series with a label named like a metric of the request is skipped (the metric's own series are
/// kept). The table's earlier requests are not consulted (that would cost a query per write); Timestream's own
/// refusal then applies and the answer reports it as it is.
enum NameClash {
    /// The label names of `request` that are also metric names in it (after native histograms become classic
    /// `_bucket`/`_count`/`_sum` series with `le`; a name-only series counts as having the placeholder label).
    /// Empty without a Set when `NameClashFilter` rules every clash out, as for almost every request.
    static func names(in request: WriteRequest) -> Set<String> {
        var filter = NameClashFilter()
        forEachName(request) { name, isMetric in
            isMetric ? filter.noteMetric(name.utf8.first, name.utf8.count) : filter.noteLabel(name.utf8.first, name.utf8.count)
        }
        guard filter.mayClash else { return [] }
        var metrics: Set<String> = [], labels: Set<String> = []
        forEachName(request) { name, isMetric in
            if isMetric { metrics.insert(name) } else { labels.insert(name) }
        }
        return metrics.intersection(labels)
    }

    private static func forEachName(_ request: WriteRequest, _ body: (String, _ isMetric: Bool) -> Void) {
        for series in request.timeseries {
            var metric: String? = nil
            var hasDimension = false
            for label in series.labels {
                if label.name == "__name__" {
                    metric = label.value
                } else if !label.value.isEmpty {
                    body(label.name, false)
                    hasDimension = true
                }
            }
            if !hasDimension { body(TimestreamLimits.nameOnlyDimension.name, false) }
            guard let metric else { continue }
            body(metric, true)
            if !series.histograms.isEmpty {
                for suffix in ["_bucket", "_count", "_sum"] { body(metric + suffix, true) }
                body("le", false)
            }
        }
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
