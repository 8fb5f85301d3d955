import TimestreamCodec
import RemoteStorage

/// Packs samples into WriteRecords calls of at most 100 records, in arrival order, hoists what every record of a
/// call shares (measure name, dimensions, time, DOUBLE, MILLISECONDS) into `CommonAttributes` — the one place that
/// decides them; Timestream merges them back into each record — and writes each body directly from the label
/// bytes (`WriteRecordsBodyWriter`). That shrinks bodies (and Timestream's metered bytes) for Prometheus batches
/// whose series share `job`/`instance`, for multi-sample series, and for a call's worth of samples from one scrape
/// (one time: a sixth of a small record's bytes).
struct RecordBatcher {
    private let database: String
    private let table: String
    /// Every series' dimensions, one after the other (`SeriesShape.dimensions` are ranges of it).
    var dimensionStore: [(ByteSpan, ByteSpan)] = []
    private var series: [SeriesShape] = []
    private var pending: [(series: Int, sample: Sample)] = []
    private var calls: [WriteRecordsBody] = []

    init(database: String, table: String) {
        self.database = database
        self.table = table
        pending.reserveCapacity(TimestreamLimits.maxRecordsPerWrite)
    }

    mutating func add(series shape: SeriesShape) { series.append(shape) }

    /// A sample of the series added last.
    mutating func append(_ sample: Sample) {
        pending.append((series.count - 1, sample))
        if pending.count == TimestreamLimits.maxRecordsPerWrite { flush() }
    }

    mutating func finish() -> [WriteRecordsBody] {
        flush()
        return calls
    }

    private mutating func flush() {
        guard let first = pending.first else { return }
        let store = dimensionStore
        store.withUnsafeBufferPointer { store in
            calls.append(body(store: store, first: first))
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// The pending records as one WriteRecords body.
    private func body(store: UnsafeBufferPointer<(ByteSpan, ByteSpan)>, first: (series: Int, sample: Sample))
        -> WriteRecordsBody
    {
        func dimensions(_ shape: SeriesShape) -> UnsafeBufferPointer<(ByteSpan, ByteSpan)> {
            UnsafeBufferPointer(rebasing: store[shape.dimensions])
        }
        let head = series[first.series]
        var common = Array(dimensions(head))
        var commonAt = Array(common.indices)
        var commonMeasure: ByteSpan? = head.metricName
        var previous = first.series
        var commonTime: Int64? = first.sample.timestamp
        var size = 160 + database.utf8.count + table.utf8.count
        for entry in pending {
            let shape = series[entry.series]
            if entry.sample.timestamp != commonTime { commonTime = nil }
            size += 96 + shape.metricName.count + dimensions(shape).reduce(0) { $0 + $1.0.count + $1.1.count + 24 }
            // Series in a batch are contiguous (samples arrive series by series).
            guard entry.series != previous else { continue }
            previous = entry.series
            if let measure = commonMeasure, !measure.sameBytes(shape.metricName) { commonMeasure = nil }
            if !common.isEmpty { Self.keepShared(&common, at: &commonAt, with: dimensions(shape)) }
        }
        let commonSize = common.reduce(0) { $0 + $1.0.count + $1.1.count + 24 }
        var body = WriteRecordsBodyWriter(
            database: database, table: table, reservingCapacity: size - commonSize * (pending.count - 1))
        body.beginCommonAttributes()
        for (name, value) in common { body.dimension(name: name.buffer, value: value.buffer) }
        // A time's text is written once for a run of records with that time (the samples of one scrape share it),
        // and only in the common attributes when every record has it.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { timeText in
            let sharedTime = commonTime.map { time in
                UnsafeBufferPointer(rebasing: timeText[DecimalText.write(time, endingAt: timeText)...])
            }
            body.endCommonAttributes(
                measureName: commonMeasure?.buffer, measureValueType: "DOUBLE", timeUnit: "MILLISECONDS",
                time: sharedTime)
            var textTime: Int64? = nil
            var timeStart = timeText.count
            for entry in pending {
                let shape = series[entry.series]
                body.beginRecord()
                // The common dimensions are a subsequence of every record's (both strictly ascending by name), so
                // one cursor finds them all; a dimension that is not the next common one is the record's own.
                var next = 0
                for (name, value) in dimensions(shape) {
                    if next < common.count && common[next].0.sameBytes(name) && common[next].1.sameBytes(value) {
                        next += 1
                    } else {
                        body.dimension(name: name.buffer, value: value.buffer)
                    }
                }
                let timestamp = entry.sample.timestamp
                if sharedTime == nil && timestamp != textTime {
                    timeStart = DecimalText.write(timestamp, endingAt: timeText)
                    textTime = timestamp
                }
                let time = sharedTime == nil ? UnsafeBufferPointer(rebasing: timeText[timeStart...]) : nil
                SampleValue.withText(entry.sample.value) { value in
                    body.endRecord(
                        measureName: commonMeasure == nil ? shape.metricName.buffer : nil, measureValue: value,
                        time: time)
                }
            }
        }
        return body.finish()
    }

    /// Keeps the dimensions of `common` that `other` has with equal values (both name-sorted), in their order.
    /// `positions` holds where each was found in the previous series' dimensions: series of one metric carry their
    /// labels at the same places, so when every one is still there nothing changes and no merge runs (the merge was
    /// a tenth of the translation's instructions). In place: no array per series (a fresh intersection array per
    /// series was 12 %).
    static func keepShared(
        _ common: inout [(ByteSpan, ByteSpan)], at positions: inout [Int],
        with other: UnsafeBufferPointer<(ByteSpan, ByteSpan)>
    ) {
        var samePlaces = true
        for i in common.indices {
            let j = positions[i]
            guard j < other.count, other[j].0.sameBytes(common[i].0), other[j].1.sameBytes(common[i].1) else {
                samePlaces = false
                break
            }
        }
        if samePlaces { return }
        var kept = 0, j = 0
        for i in common.indices {
            while j < other.count && other[j].0.precedes(common[i].0) { j += 1 }
            guard j < other.count else { break }
            if other[j].0.sameBytes(common[i].0) && other[j].1.sameBytes(common[i].1) {
                if kept != i { common.swapAt(kept, i) }
                positions[kept] = j
                kept += 1
            }
        }
        if kept < common.count {
            common.removeSubrange(kept...)
            positions.removeSubrange(kept...)
        }
    }
}
