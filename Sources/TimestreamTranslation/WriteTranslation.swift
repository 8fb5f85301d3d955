import RemoteStorage
import TimestreamCodec

/// Turns a remote-write request into WriteRecords calls: one record per sample, measure name = the `__name__`
/// label, dimensions = the other non-empty labels sorted by name, DOUBLE values, milliseconds. Native histograms
/// first become classic `_count`/`_sum`/`_bucket` series (`ClassicHistogramSeries`); a series without any label
/// but `__name__` is written with the placeholder dimension `__name_only__="true"`.
///
/// One pipeline for every request: labels are spans of one byte buffer — the decoded body itself for a 1.0
/// request (`WriteRequestView`, its one decoding pass), or the label text of a 2.0 request's values copied once
/// into one buffer (`LabelText`); the classic series of native histograms get their label text appended once to
/// such a buffer — then one series-shape check (`SeriesShape`), one batcher (`RecordBatcher`, which decides
/// `CommonAttributes`) and one body writer (`WriteRecordsBodyWriter`).
package enum WriteTranslation {
    /// How many invalid-series reasons a 400 body lists.
    package static let reasonsListed = 5

    /// A 1.0 request, decoded in place: `body` is the decoded protobuf the view points into.
    package static func plan(_ view: WriteRequestView, body: UnsafeRawBufferPointer, config: WriteSettings) -> WritePlan {
        var stats = WriteStats()
        stats.series = view.series.count
        stats.metadata = view.metadataCount
        stats.skip(.exemplar, view.exemplarCount)
        guard let base = body.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return WritePlan(calls: [], stats: stats, invalid: [], invalidCount: 0)  // no bytes, no series
        }
        guard view.extras.contains(where: { !$0.histograms.isEmpty }) else {
            return translate(
                view.series, labels: view.labels, samples: view.samples, base: base, classic: [], stats: stats,
                config: config)
        }
        // The classic series need label text of their own: it follows a copy of the body, whose spans stay valid.
        var text = LabelText(
            bytes: Array(UnsafeBufferPointer(start: base, count: body.count)), labels: view.labels, series: view.series,
            samples: view.samples)
        return plan(&text, extras: view.extras, stats: stats, config: config)
    }

    /// A 2.0 request's values (`WriteRequestV2.writeRequest`).
    package static func plan(_ request: WriteRequest, config: WriteSettings) -> WritePlan {
        var stats = WriteStats()
        stats.series = request.timeseries.count
        stats.metadata = request.metadataCount
        var text = LabelText()
        var extras: [WriteRequestView.SeriesExtras] = []
        for series in request.timeseries {
            stats.skip(.exemplar, series.exemplarCount)
            if !series.histograms.isEmpty {
                extras.append(.init(series: text.series.count, histograms: series.histograms))
            }
            text.append(series)
        }
        return plan(&text, extras: extras, stats: stats, config: config)
    }

    /// The series of `text`, each followed by the classic series its native histograms (in `extras`, by increasing
    /// series index; exemplars are counted by the caller) become, their label text appended to `text`.
    private static func plan(
        _ text: inout LabelText, extras: [WriteRequestView.SeriesExtras], stats: WriteStats,
        config: WriteSettings
    ) -> WritePlan {
        var stats = stats
        var series: [WriteRequestView.SeriesRanges] = []
        var classic: [Bool] = []
        var groups: [HistogramGroup] = []
        var histogramMetrics: Set<[UInt8]> = []
        series.reserveCapacity(text.series.count)
        classic.reserveCapacity(text.series.count)
        var pending = extras.filter { !$0.histograms.isEmpty }[...]
        for index in text.series.indices {
            let one = text.series[index]
            series.append(one)
            classic.append(false)
            guard let next = pending.first, next.series == index else { continue }
            pending.removeFirst()
            let source = text.timeSeries(one, histograms: next.histograms)
            if let name = source.labels.last(where: { $0.name == "__name__" })?.value {
                for suffix in ["_bucket", "_count", "_sum"] { histogramMetrics.insert(Array((name + suffix).utf8)) }
            }
            // One histogram sample that is not converted counts as one received and one skipped sample.
            let derived = ClassicHistogramSeries(source)
            stats.histogramsReceived += next.histograms.count
            stats.histogramsConverted += derived.converted
            stats.samplesReceived += derived.stale + derived.unconvertible
            stats.skip(.staleMarker, derived.stale)
            stats.skip(.nativeHistogram, derived.unconvertible)
            let first = series.count
            for one in derived.series {
                text.append(one)
                series.append(text.series[text.series.count - 1])
                classic.append(true)
            }
            if derived.converted > 0 { groups.append(HistogramGroup(series: first..<series.count, converted: derived.converted)) }
        }
        return text.bytes.withUnsafeBufferPointer { bytes in
            // An empty buffer has no address; nothing points into it then, so any address will do.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { placeholder in
                translate(
                    series, labels: text.labels, samples: text.samples,
                    base: bytes.baseAddress ?? UnsafePointer(placeholder.baseAddress!), classic: classic, groups: groups,
                    stats: stats, config: config, extraMetrics: histogramMetrics,
                    extraLabels: histogramMetrics.isEmpty ? [] : [Array("le".utf8)])
            }
        }
    }

    /// The pipeline over labels as spans of `base`. A label named like a metric of the request is refused
    /// (`NameClash`); the names are compared exactly only when `NameClashFilter` says a clash is possible (rare:
    /// label names are short, metric names long), and the request is then translated again knowing them.
    private static func translate(
        _ series: [WriteRequestView.SeriesRanges], labels: [WriteRequestView.LabelBytes], samples: [Sample],
        base: UnsafePointer<UInt8>, classic: [Bool], groups: [HistogramGroup] = [], stats: WriteStats,
        config: WriteSettings, extraMetrics: Set<[UInt8]> = [], extraLabels: Set<[UInt8]> = []
    ) -> WritePlan {
        func run(clashes: Set<[UInt8]>) -> (WritePlan, NameClashFilter) {
            var translation = Translation(config: config, stats: stats, labelCount: max(labels.count, series.count))
            translation.clashes = clashes
            var group = groups.startIndex
            for (index, one) in series.enumerated() {
                if group < groups.endIndex, index == groups[group].series.lowerBound {
                    translation.histogramSeriesDropped = false
                    translation.histogramTimesSkipped = []
                }
                let before = translation.stats.samplesToWrite
                translation.add(one, labels: labels, samples: samples, base: base)
                if !classic.isEmpty && classic[index] {
                    translation.stats.classicSamplesToWrite += translation.stats.samplesToWrite - before
                }
                // A histogram is written when every classic sample of it is (they share its timestamp); a classic
                // series refused or skipped whole leaves none of its histograms written.
                if group < groups.endIndex, index == groups[group].series.upperBound - 1 {
                    if !translation.histogramSeriesDropped {
                        translation.stats.histogramsToWrite += max(0, groups[group].converted - translation.histogramTimesSkipped.count)
                    }
                    group += 1
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

/// The classic series one source series' native histograms became (`series`: consecutive indices) and how many
/// histograms they hold.
private struct HistogramGroup {
    var series: Range<Int>
    var converted: Int
}

/// One request's translation in progress: statistics, 400 reasons and the batcher.
private struct Translation {
    let config: WriteSettings
    var stats: WriteStats
    var invalid: [String] = []
    var invalidCount = 0
    var skippedSeries: [String] = []
    var batcher: RecordBatcher
    /// Every metric and label name seen, and the label names known to clash with a metric of the request.
    var filter = NameClashFilter()
    var clashes: Set<[UInt8]> = []
    /// For the histogram group being translated: whether a series of it was refused or skipped whole, and the
    /// timestamps of its samples skipped one by one.
    var histogramSeriesDropped = false
    var histogramTimesSkipped: Set<Int64> = []

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
            histogramSeriesDropped = true
            return
        case .failure(.violation(let violation)):
            stats.skip(violation.skipReason, series.samples.count)
            noteSkipped(labels[series.labels], base, violation.skipReason, violation.explanation)
            if config.failOnLongLabel { reject(labels[series.labels], base, violation.explanation) }
            histogramSeriesDropped = true
            return
        }
        var added = false
        var nonFinite = false
        var before1970 = false
        for sample in samples[series.samples] {
            if let reason = SampleValue.unstorableReason(sample.value) {
                stats.skip(reason)
                histogramTimesSkipped.insert(sample.timestamp)
                // Stale markers are how Prometheus ends a series, never a user error: no 400 for them.
                if reason == .nonFiniteValue { nonFinite = true }
                continue
            }
            if sample.timestamp < 0 {
                stats.skip(.timeBefore1970)
                histogramTimesSkipped.insert(sample.timestamp)
                before1970 = true
                continue
            }
            if !added {
                batcher.add(series: shape)
                added = true
            }
            batcher.append(sample)
            stats.samplesToWrite += 1
        }
        if nonFinite {
            noteSkipped(labels[series.labels], base, .nonFiniteValue, "has NaN or infinite sample values, which Timestream cannot store")
        }
        if nonFinite && config.failOnInvalidSampleValue {
            reject(labels[series.labels], base, "has NaN or infinite sample values, which Timestream cannot store")
        }
        // Always a 400 reason (after the valid samples are written): no sender means to send them, and unlike NaN
        // no Go-connector behaviour is kept by skipping them quietly.
        if before1970 {
            reject(labels[series.labels], base, "has samples before 1970 (negative timestamps), which Timestream cannot store")
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

    private mutating func noteSkipped(
        _ labels: ArraySlice<WriteRequestView.LabelBytes>, _ base: UnsafePointer<UInt8>, _ reason: SkipReason, _ problem: String
    ) {
        guard skippedSeries.count < WriteTranslation.reasonsListed else { return }
        skippedSeries.append("\(SeriesName.describe(labels, base: base)): \(reason.rawValue): \(problem)")
    }

    mutating func finish() -> WritePlan {
        WritePlan(
            calls: batcher.finish(), stats: stats, invalid: invalid, invalidCount: invalidCount, skippedSeries: skippedSeries)
    }
}
