import RemoteStorage

/// The classic series one remote-write series' native histograms become (see `ClassicHistogram`), and what
/// could not be converted. Pure: the series then take the ordinary sample path of `WriteTranslation`.
struct ClassicHistogramSeries: Equatable, Sendable {
    /// `<name>_count`, `<name>_sum`, then `<name>_bucket` by increasing `le`; labels otherwise the original's.
    var series: [TimeSeries] = []
    /// Histogram samples whose sum is the stale marker: they end the series and are not stored.
    var stale = 0
    /// Histogram samples that cannot become classic series: unsupported schema (custom buckets -53 or a reserved
    /// number), or a series that already has an `le` label or no metric name.
    var unconvertible = 0

    /// Histogram samples that produced classic samples.
    var converted = 0

    init(_ source: TimeSeries) {
        guard !source.histograms.isEmpty else { return }
        let name = source.labels.first { $0.name == "__name__" }?.value ?? ""
        guard !name.isEmpty, !source.labels.contains(where: { $0.name == "le" }) else {
            unconvertible = source.histograms.count
            return
        }
        var counts: [Sample] = [], sums: [Sample] = []
        var buckets: [Double: (text: String, samples: [Sample])] = [:]
        for histogram in source.histograms {
            if histogram.sum.bitPattern == SampleValue.staleMarkerBits {
                stale += 1
                continue
            }
            guard let cumulative = ClassicHistogram.cumulativeBuckets(histogram) else {
                unconvertible += 1
                continue
            }
            converted += 1
            counts.append(Sample(value: histogram.count, timestamp: histogram.timestamp))
            sums.append(Sample(value: histogram.sum, timestamp: histogram.timestamp))
            for bucket in cumulative {
                let sample = Sample(value: bucket.cumulativeCount, timestamp: histogram.timestamp)
                buckets[bucket.upperBound, default: (PrometheusFloatText.format(bucket.upperBound), [])].samples.append(sample)
            }
        }
        guard converted > 0 else { return }
        let others = source.labels.filter { $0.name != "__name__" }
        func named(_ suffix: String) -> [Label] { [Label(name: "__name__", value: name + suffix)] + others }
        series.append(TimeSeries(labels: named("_count"), samples: counts))
        series.append(TimeSeries(labels: named("_sum"), samples: sums))
        for bound in buckets.keys.sorted() {
            let bucket = buckets[bound]!
            series.append(TimeSeries(labels: named("_bucket") + [Label(name: "le", value: bucket.text)], samples: bucket.samples))
        }
    }
}
