import AWS
import RemoteStorage

#if canImport(Glibc)
import Glibc
#endif

/// `WriteTranslation.plan` for a request read in place (`WriteRequestView`): the same records, batches,
/// CommonAttributes and statistics, written as WriteRecords bodies straight from the label bytes of the decoded
/// body (no `String`, `Dimension` or `Record` per label or sample).
///
/// It returns nil for any series the general translation would treat specially — no or an empty metric name, an
/// empty or repeated label name, labels out of order, a Timestream limit exceeded, a NaN or infinity under
/// `failOnInvalidSampleValue`, a label that may be named like a metric of the request (`NameClashFilter`) — and the caller then plans the whole request with `WriteTranslation.plan`, so every
/// skip reason and 400 has one implementation. The two produce identical bodies and statistics wherever this one
/// answers (`InPlaceWriteTranslationTests` compares them on random requests).
public enum InPlaceWriteTranslation {
    public static func plan(_ view: WriteRequestView, body: UnsafeRawBufferPointer, config: ConnectorConfig)
        -> WritePlan?
    {
        guard let base = body.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return view.series.isEmpty ? WritePlan(calls: [], stats: WriteStats(), invalid: [], invalidCount: 0) : nil
        }
        var stats = WriteStats()
        stats.series = view.series.count
        var batcher = InPlaceRecordBatcher(base: base, database: config.database, table: config.table)
        // At most one dimension per label, or the placeholder of a name-only series.
        batcher.dimensionStore.reserveCapacity(max(view.labels.count, view.series.count))
        var clashes = NameClashFilter()
        for series in view.series {
            stats.samplesReceived += series.samples.count
            guard
                let shape = InPlaceSeriesShape(
                    view.labels[series.labels], base: base, store: &batcher.dimensionStore, clashes: &clashes)
            else { return nil }
            var added = false
            var nonFinite = false
            for sample in view.samples[series.samples] {
                if let reason = SampleValue.unstorableReason(sample.value) {
                    stats.skip(reason)
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
            if nonFinite && config.failOnInvalidSampleValue { return nil }
        }
        // A label possibly named like a metric of the request: `NameClash` decides on the general path.
        if clashes.mayClash { return nil }
        return WritePlan(calls: batcher.finish(), stats: stats, invalid: [], invalidCount: 0)
    }
}

/// A label's bytes inside the decoded body.
struct ByteSpan: Equatable {
    var start: UnsafePointer<UInt8>
    var count: Int

    init(start: UnsafePointer<UInt8>, count: Int) {
        self.start = start
        self.count = count
    }

    /// An empty span points at `base` (memcmp wants a valid pointer even for no bytes).
    init(_ base: UnsafePointer<UInt8>, offset: UInt32, count: UInt32) {
        self.init(start: base + Int(offset), count: Int(count))
    }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

    /// Same bytes (the same range in the body, or equal content).
    @inline(__always) func sameBytes(_ other: ByteSpan) -> Bool {
        count == other.count && (start == other.start || memcmp(start, other.start, count) == 0)
    }

    /// Byte-lexicographic order (for ASCII, the order of Swift's `String <` that the general path sorts by).
    @inline(__always) func precedes(_ other: ByteSpan) -> Bool {
        let common = memcmp(start, other.start, min(count, other.count))
        return common < 0 || (common == 0 && count < other.count)
    }

    func hasPrefix(_ prefix: StaticString) -> Bool {
        count >= prefix.utf8CodeUnitCount && memcmp(start, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    func equals(_ text: StaticString) -> Bool { count == text.utf8CodeUnitCount && hasPrefix(text) }
}

/// A series' metric name and dimensions (its other non-empty labels, in their strictly ascending wire order, or the
/// name-only placeholder) as byte spans; nil where `SeriesShape.make` or `TimestreamLimits.firstViolation` would
/// object or reorder. The dimensions of all series live in one array (`store`), so a series costs no allocation of
/// its own.
struct InPlaceSeriesShape {
    var metricName: ByteSpan
    /// Positions in the store: (name, value) pairs.
    var dimensions: Range<Int>

    /// `TimestreamLimits.nameOnlyDimension` as spans (static bytes, valid for the life of the process).
    static var nameOnly: (ByteSpan, ByteSpan) {
        (
            ByteSpan(start: TimestreamLimits.nameOnlyName.utf8Start, count: TimestreamLimits.nameOnlyName.utf8CodeUnitCount),
            ByteSpan(start: TimestreamLimits.nameOnlyValue.utf8Start, count: TimestreamLimits.nameOnlyValue.utf8CodeUnitCount)
        )
    }

    init?(
        _ labels: ArraySlice<WriteRequestView.LabelBytes>, base: UnsafePointer<UInt8>,
        store: inout [(ByteSpan, ByteSpan)], clashes: inout NameClashFilter
    ) {
        let first = store.count
        var metricName: ByteSpan? = nil
        var recordBytes = TimestreamLimits.recordFixedBytes
        for label in labels {
            let name = ByteSpan(base, offset: label.nameOffset, count: label.nameCount)
            let value = ByteSpan(base, offset: label.valueOffset, count: label.valueCount)
            if name.count == 0 { return nil }
            if name.equals("__name__") {
                if metricName != nil { return nil }
                metricName = value
                continue
            }
            if value.count == 0 { continue }
            if store.count > first, !store[store.count - 1].0.precedes(name) { return nil }
            // TimestreamLimits.firstViolation, per dimension.
            if name.count > TimestreamLimits.maxDimensionNameBytes || TimestreamLimits.isReserved(name: name.buffer)
                || TimestreamLimits.containsColon(name.buffer)
                || name.count + value.count > TimestreamLimits.maxDimensionPairBytes
            {
                return nil
            }
            recordBytes += name.count + value.count
            clashes.noteLabel(name.start[0], name.count)
            store.append((name, value))
        }
        guard let metricName, metricName.count > 0, metricName.count <= TimestreamLimits.maxMeasureNameBytes,
            store.count - first <= TimestreamLimits.maxDimensionsPerRecord
        else { return nil }
        if store.count == first {
            store.append(Self.nameOnly)
            recordBytes += TimestreamLimits.nameOnlyBytes
            clashes.noteLabel(Self.nameOnly.0.start[0], Self.nameOnly.0.count)
        }
        guard recordBytes + metricName.count <= TimestreamLimits.maxRecordBytes else { return nil }
        clashes.noteMetric(metricName.start[0], metricName.count)
        self.metricName = metricName
        self.dimensions = first..<store.count
    }
}
