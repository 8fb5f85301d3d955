import RemoteStorage
import TimestreamCodec

#if canImport(Glibc)
import Glibc
#endif

/// A series' metric name and dimensions — its other non-empty labels, sorted by name bytes — as spans of the
/// request's label bytes, checked against the remote-write spec's label rules and Timestream's limits: the one
/// series-shape check of the write path. The dimensions of all series live in one array (`store`), so a series
/// costs no allocation of its own.
struct SeriesShape {
    var metricName: ByteSpan
    /// Positions in the store: (name, value) pairs.
    var dimensions: Range<Int>

    /// Why a series is not written.
    enum Refusal: Error {
        /// Against the remote-write spec: a 400 reason.
        case invalid(Problem)
        /// Beyond a Timestream limit: skipped, or a 400 reason under `fail_on_long_label`.
        case violation(TimestreamLimits.Violation)
    }

    enum Problem: Error, Equatable {
        case missingMetricName
        case emptyLabelName
        case duplicateLabelName(String)

        var explanation: String {
            switch self {
            case .missingMetricName: "has no __name__ label (every series needs a metric name)"
            case .emptyLabelName: "has a label with an empty name"
            case .duplicateLabelName(let name): "has the label '\(name)' more than once"
            }
        }
    }

    /// `TimestreamLimits.nameOnlyName` = `nameOnlyValue` as spans (static bytes, valid for the life of the process).
    static var nameOnly: (ByteSpan, ByteSpan) {
        (
            ByteSpan(start: TimestreamLimits.nameOnlyName.utf8Start, count: TimestreamLimits.nameOnlyName.utf8CodeUnitCount),
            ByteSpan(start: TimestreamLimits.nameOnlyValue.utf8Start, count: TimestreamLimits.nameOnlyValue.utf8CodeUnitCount)
        )
    }

    /// The shape of the series whose labels are `labels` (spans of `base`), its dimensions appended to `store`;
    /// on refusal `store` is left as it was. Labels with empty values are dropped: in Prometheus an empty label
    /// value is the same as no label, and Timestream dimension values must be non-empty. A series with no label
    /// but `__name__` gets the name-only placeholder dimension (Timestream refuses a record without dimensions).
    /// Every metric and label name is noted in `filter`; a dimension named in `clashes` (label names that are
    /// also metric names of the request, `NameClash`) is refused.
    static func make(
        _ labels: ArraySlice<WriteRequestView.LabelBytes>, base: UnsafePointer<UInt8>,
        store: inout [(ByteSpan, ByteSpan)], filter: inout NameClashFilter, clashes: Set<[UInt8]>
    ) -> Result<SeriesShape, Refusal> {
        let first = store.count
        func refuse(_ refusal: Refusal) -> Result<SeriesShape, Refusal> {
            store.removeSubrange(first...)
            return .failure(refusal)
        }
        /// Notes every name of the series (when it is refused before all its labels were read).
        func noteAll() {
            var hasDimension = false
            for label in labels {
                let name = ByteSpan(base, offset: label.nameOffset, count: label.nameCount)
                if name.equals("__name__") {
                    filter.noteMetric(label.valueCount > 0 ? base[Int(label.valueOffset)] : nil, Int(label.valueCount))
                } else if label.valueCount > 0 {
                    filter.noteLabel(name.count > 0 ? name.start[0] : nil, name.count)
                    hasDimension = true
                }
            }
            if !hasDimension { filter.noteLabel(Self.nameOnly.0.start[0], Self.nameOnly.0.count) }
        }
        var metricName: ByteSpan? = nil
        // The previous label's name, empty values included: a name given twice is refused whatever its values
        // (`a=""` beside `a="x"` too), as Prometheus refuses it.
        var previous: ByteSpan? = nil
        var sorted = true
        for label in labels {
            let name = ByteSpan(base, offset: label.nameOffset, count: label.nameCount)
            let value = ByteSpan(base, offset: label.valueOffset, count: label.valueCount)
            if name.count == 0 {
                noteAll()
                return refuse(.invalid(.emptyLabelName))
            }
            if name.equals("__name__") {
                if metricName != nil {
                    noteAll()
                    return refuse(.invalid(.duplicateLabelName("__name__")))
                }
                metricName = value
                continue
            }
            if let previous, !previous.precedes(name) {
                if previous.sameBytes(name) {
                    noteAll()
                    return refuse(.invalid(.duplicateLabelName(name.text)))
                }
                sorted = false
            }
            previous = name
            if value.count == 0 { continue }
            filter.noteLabel(name.start[0], name.count)
            store.append((name, value))
        }
        if store.count == first { filter.noteLabel(Self.nameOnly.0.start[0], Self.nameOnly.0.count) }
        if let metricName { filter.noteMetric(metricName.count > 0 ? metricName.start[0] : nil, metricName.count) }
        guard let metricName, metricName.count > 0 else { return refuse(.invalid(.missingMetricName)) }
        if !sorted {
            // Prometheus sends labels sorted; anything else is sorted here, by bytes as Prometheus orders them,
            // and checked for a name given twice (with any values) across the whole set.
            var names = labels.map { ByteSpan(base, offset: $0.nameOffset, count: $0.nameCount) }.filter { !$0.equals("__name__") }
            names.sort { $0.precedes($1) }
            for index in names.indices.dropFirst() where names[index].sameBytes(names[index - 1]) {
                return refuse(.invalid(.duplicateLabelName(names[index].text)))
            }
            store[first...].sort { $0.0.precedes($1.0) }
        }
        if let violation = Self.firstViolation(metricName: metricName, store[first...]) {
            return refuse(.violation(violation))
        }
        if store.count == first { store.append(Self.nameOnly) }
        if !clashes.isEmpty, let clash = store[first...].first(where: { clashes.contains(Array($0.0.buffer)) }) {
            return refuse(.violation(.labelNamedLikeMetric(name: clash.0.text)))
        }
        return .success(SeriesShape(metricName: metricName, dimensions: first..<store.count))
    }

    /// Timestream's limits on bytes: the first one the metric name and the (sorted) dimensions violate — metric
    /// name (length, reserved), number of dimensions, then per dimension its name (length, reserved, `:`) and pair length,
    /// then the record's size (a series without dimensions measured with the placeholder it is written with).
    private static func firstViolation(metricName: ByteSpan, _ dimensions: ArraySlice<(ByteSpan, ByteSpan)>)
        -> TimestreamLimits.Violation?
    {
        if metricName.count > TimestreamLimits.maxMeasureNameBytes { return .metricNameTooLong(bytes: metricName.count) }
        if TimestreamLimits.isReserved(measureName: metricName.buffer) { return .reservedMetricName(name: metricName.text) }
        if dimensions.count > TimestreamLimits.maxDimensionsPerRecord { return .tooManyLabels(count: dimensions.count) }
        var recordBytes =
            TimestreamLimits.recordFixedBytes + metricName.count + (dimensions.isEmpty ? TimestreamLimits.nameOnlyBytes : 0)
        for (name, value) in dimensions {
            if name.count > TimestreamLimits.maxDimensionNameBytes { return .labelNameTooLong(name: name.text) }
            if TimestreamLimits.isReserved(name: name.buffer) { return .reservedLabelName(name: name.text) }
            if TimestreamLimits.containsColon(name.buffer) { return .labelNameWithColon(name: name.text) }
            if name.count + value.count > TimestreamLimits.maxDimensionPairBytes { return .labelPairTooLong(name: name.text) }
            recordBytes += name.count + value.count
        }
        if recordBytes > TimestreamLimits.maxRecordBytes { return .recordTooLarge(bytes: recordBytes) }
        return nil
    }
}

/// How a series is named in a 400 body or a log line: `metric{a="b",…}` (`SeriesText`), cut at 200 characters.
enum SeriesName {
    static func describe(_ labels: ArraySlice<WriteRequestView.LabelBytes>, base: UnsafePointer<UInt8>) -> String {
        var name = ""
        var rest: [(name: String, value: String)] = []
        for label in labels {
            let labelName = ByteSpan(base, offset: label.nameOffset, count: label.nameCount).text
            let value = ByteSpan(base, offset: label.valueOffset, count: label.valueCount).text
            if labelName == "__name__" { if name.isEmpty { name = value } } else { rest.append((labelName, value)) }
        }
        return SeriesText.cut(SeriesText.series(name: name, labels: rest), to: 200)
    }
}
