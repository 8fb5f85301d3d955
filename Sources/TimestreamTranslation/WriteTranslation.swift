import RemoteStorage
import TimestreamCodec

/// Turns a remote-write request into WriteRecords calls: one record per sample, measure name = the `__name__`
/// label, dimensions = the other non-empty labels sorted by name, DOUBLE values, milliseconds. Native histograms
/// first become classic `_count`/`_sum`/`_bucket` series (`ClassicHistogramSeries`); a series without any label
/// but `__name__` is written with the placeholder dimension `__name_only__="true"`.
///
/// One pipeline for every request: labels are spans of one byte buffer — the decoded body itself for a plain 1.0
/// request read in place (`WriteRequestView`), or the label text of a decoded request copied once into one buffer
/// (`LabelText`: 2.0, histograms, exemplars, metadata, non-ASCII names) — then one series-shape check
/// (`SeriesShape`), one batcher (`RecordBatcher`, which decides `CommonAttributes`) and one body writer
/// (`WriteRecordsBodyWriter`).
package enum WriteTranslation {
    /// How many invalid-series reasons a 400 body lists.
    package static let reasonsListed = 5

    /// A plain 1.0 request read in place: `body` is the decoded protobuf the view points into.
    package static func plan(_ view: WriteRequestView, body: UnsafeRawBufferPointer, config: WriteSettings) -> WritePlan {
        var stats = WriteStats()
        stats.series = view.series.count
        guard let base = body.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return WritePlan(calls: [], stats: stats, invalid: [], invalidCount: 0)  // no bytes, no series
        }
        return translate(
            view.series, labels: view.labels, samples: view.samples, base: base, classic: [], stats: stats,
            config: config)
    }

    /// A decoded request (1.0 of any shape, or 2.0's `writeRequest`).
    package static func plan(_ request: WriteRequest, config: WriteSettings) -> WritePlan {
        var stats = WriteStats()
        stats.series = request.timeseries.count
        stats.metadata = request.metadataCount
        var text = LabelText()
        // Each series, then the classic series its native histograms become, in that order.
        var classic: [Bool] = []
        var histogramMetrics: Set<[UInt8]> = []
        for series in request.timeseries {
            stats.skip(.exemplar, series.exemplarCount)
            text.append(series)
            classic.append(false)
            guard !series.histograms.isEmpty else { continue }
            if let name = series.labels.last(where: { $0.name == "__name__" })?.value {
                for suffix in ["_bucket", "_count", "_sum"] { histogramMetrics.insert(Array((name + suffix).utf8)) }
            }
            // One histogram sample that is not converted counts as one received and one skipped sample.
            let derived = ClassicHistogramSeries(series)
            stats.histogramsReceived += series.histograms.count
            stats.histogramsConverted += derived.converted
            stats.samplesReceived += derived.stale + derived.unconvertible
            stats.skip(.staleMarker, derived.stale)
            stats.skip(.nativeHistogram, derived.unconvertible)
            for one in derived.series {
                text.append(one)
                classic.append(true)
            }
        }
        return text.bytes.withUnsafeBufferPointer { bytes in
            // An empty buffer has no address; nothing points into it then, so any address will do.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { placeholder in
                translate(
                    text.series, labels: text.labels, samples: text.samples,
                    base: bytes.baseAddress ?? UnsafePointer(placeholder.baseAddress!), classic: classic, stats: stats,
                    config: config, extraMetrics: histogramMetrics,
                    extraLabels: histogramMetrics.isEmpty ? [] : [Array("le".utf8)])
            }
        }
    }

    /// The pipeline over labels as spans of `base`. A label named like a metric of the request is refused
    /// (`NameClash`); the names are compared exactly only when `NameClashFilter` says a clash is possible (rare:
    /// label names are short, metric names long), and the request is then translated again knowing them.
    private static func translate(
        _ series: [WriteRequestView.SeriesRanges], labels: [WriteRequestView.LabelBytes], samples: [Sample],
        base: UnsafePointer<UInt8>, classic: [Bool], stats: WriteStats, config: WriteSettings,
        extraMetrics: Set<[UInt8]> = [], extraLabels: Set<[UInt8]> = []
    ) -> WritePlan {
        func run(clashes: Set<[UInt8]>) -> (WritePlan, NameClashFilter) {
            var translation = Translation(config: config, stats: stats, labelCount: max(labels.count, series.count))
            translation.clashes = clashes
            for (index, one) in series.enumerated() {
                let before = translation.stats.samplesToWrite
                translation.add(one, labels: labels, samples: samples, base: base)
                if !classic.isEmpty && classic[index] {
                    translation.stats.classicSamplesToWrite += translation.stats.samplesToWrite - before
                }
            }
            for name in extraMetrics { translation.filter.noteMetric(name.first, name.count) }
            for name in extraLabels { translation.filter.noteLabel(name.first, name.count) }
            return (translation.finish(), translation.filter)
        }
        let (plan, filter) = run(clashes: [])
        guard filter.mayClash else { return plan }
        let clashes = NameClash.names(
            series, labels: labels, base: base, extraMetrics: extraMetrics, extraLabels: extraLabels)
        return clashes.isEmpty ? plan : run(clashes: clashes).0
    }
}

/// One request's translation in progress: statistics, 400 reasons and the batcher.
private struct Translation {
    let config: WriteSettings
    var stats: WriteStats
    var invalid: [String] = []
    var invalidCount = 0
    var batcher: RecordBatcher
    /// Every metric and label name seen, and the label names known to clash with a metric of the request.
    var filter = NameClashFilter()
    var clashes: Set<[UInt8]> = []

    init(config: WriteSettings, stats: WriteStats, labelCount: Int) {
        self.config = config
        self.stats = stats
        batcher = RecordBatcher(database: config.database, table: config.table)
        // At most one dimension per label, or the placeholder of a name-only series.
        batcher.dimensionStore.reserveCapacity(labelCount)
    }

    mutating func add(
        _ series: WriteRequestView.SeriesRanges, labels: [WriteRequestView.LabelBytes], samples: [Sample],
        base: UnsafePointer<UInt8>
    ) {
        stats.samplesReceived += series.samples.count
        let shape: SeriesShape
        switch SeriesShape.make(
            labels[series.labels], base: base, store: &batcher.dimensionStore, filter: &filter, clashes: clashes)
        {
        case .success(let value): shape = value
        case .failure(.invalid(let problem)):
            reject(labels[series.labels], base, problem.explanation)
            return
        case .failure(.violation(let violation)):
            stats.skip(violation.skipReason, series.samples.count)
            if config.failOnLongLabel { reject(labels[series.labels], base, violation.explanation) }
            return
        }
        var added = false
        var nonFinite = false
        for sample in samples[series.samples] {
            if let reason = SampleValue.unstorableReason(sample.value) {
                stats.skip(reason)
                // Stale markers are how Prometheus ends a series, never a user error: no 400 for them.
                if reason == .nonFiniteValue { nonFinite = true }
                continue
            }
            if !added {
                batcher.add(series: shape)
                added = true
            }
            batcher.append(sample)
            stats.samplesToWrite += 1
        }
        if nonFinite && config.failOnInvalidSampleValue {
            reject(labels[series.labels], base, "has NaN or infinite sample values, which Timestream cannot store")
        }
    }

    private mutating func reject(
        _ labels: ArraySlice<WriteRequestView.LabelBytes>, _ base: UnsafePointer<UInt8>, _ problem: String
    ) {
        invalidCount += 1
        if invalid.count < WriteTranslation.reasonsListed {
            invalid.append("\(SeriesName.describe(labels, base: base)): \(problem)")
        }
    }

    mutating func finish() -> WritePlan {
        WritePlan(calls: batcher.finish(), stats: stats, invalid: invalid, invalidCount: invalidCount)
    }
}

/// The label text of decoded series, copied once into one buffer, with the same layout `WriteRequestView` reads
/// from a body in place: label spans, series ranges and samples.
struct LabelText {
    var bytes: [UInt8] = []
    var labels: [WriteRequestView.LabelBytes] = []
    var series: [WriteRequestView.SeriesRanges] = []
    var samples: [Sample] = []

    mutating func append(_ one: TimeSeries) {
        let firstLabel = labels.count
        for label in one.labels {
            let nameOffset = UInt32(bytes.count)
            bytes.append(contentsOf: label.name.utf8)
            let valueOffset = UInt32(bytes.count)
            bytes.append(contentsOf: label.value.utf8)
            labels.append(
                WriteRequestView.LabelBytes(
                    nameOffset: nameOffset, nameCount: valueOffset - nameOffset, valueOffset: valueOffset,
                    valueCount: UInt32(bytes.count) - valueOffset))
        }
        let firstSample = samples.count
        samples.append(contentsOf: one.samples)
        series.append(
            WriteRequestView.SeriesRanges(labels: firstLabel..<labels.count, samples: firstSample..<samples.count))
    }
}
