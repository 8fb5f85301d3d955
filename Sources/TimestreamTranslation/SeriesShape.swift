import RemoteStorage

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

    /// The shape of the series whose labels are `labels` (spans of `base`), its dimensions appended to `store`;
    /// on refusal `store` is left as it was. Labels with empty values are dropped: in Prometheus an empty label
    /// value is the same as no label, and Timestream dimension values must be non-empty.
    static func make(
        _ labels: ArraySlice<WriteRequestView.LabelBytes>, base: UnsafePointer<UInt8>,
        store: inout [(ByteSpan, ByteSpan)]
    ) -> Result<SeriesShape, Refusal> {
        let first = store.count
        func refuse(_ refusal: Refusal) -> Result<SeriesShape, Refusal> {
            store.removeSubrange(first...)
            return .failure(refusal)
        }
        var metricName: ByteSpan? = nil
        var sorted = true
        for label in labels {
            let name = ByteSpan(base, offset: label.nameOffset, count: label.nameCount)
            let value = ByteSpan(base, offset: label.valueOffset, count: label.valueCount)
            if name.count == 0 { return refuse(.invalid(.emptyLabelName)) }
            if name.equals("__name__") {
                if metricName != nil { return refuse(.invalid(.duplicateLabelName("__name__"))) }
                metricName = value
                continue
            }
            if value.count == 0 { continue }
            if store.count > first, !store[store.count - 1].0.precedes(name) {
                if store[store.count - 1].0.sameBytes(name) { return refuse(.invalid(.duplicateLabelName(name.text))) }
                sorted = false
            }
            store.append((name, value))
        }
        guard let metricName, metricName.count > 0 else { return refuse(.invalid(.missingMetricName)) }
        if !sorted {
            // Prometheus sends labels sorted; anything else is sorted here, by bytes as Prometheus orders them.
            store[first...].sort { $0.0.precedes($1.0) }
            for index in (first + 1)..<store.count where store[index].0.sameBytes(store[index - 1].0) {
                return refuse(.invalid(.duplicateLabelName(store[index].0.text)))
            }
        }
        if let violation = Self.firstViolation(metricName: metricName, store[first...]) {
            return refuse(.violation(violation))
        }
        return .success(SeriesShape(metricName: metricName, dimensions: first..<store.count))
    }

    /// `TimestreamLimits`, on bytes: the first limit the metric name and the (sorted) dimensions violate.
    private static func firstViolation(metricName: ByteSpan, _ dimensions: ArraySlice<(ByteSpan, ByteSpan)>)
        -> TimestreamLimits.Violation?
    {
        if metricName.count > TimestreamLimits.maxMeasureNameBytes { return .metricNameTooLong(bytes: metricName.count) }
        if dimensions.count > TimestreamLimits.maxDimensionsPerRecord { return .tooManyLabels(count: dimensions.count) }
        for (name, value) in dimensions {
            if name.count > TimestreamLimits.maxDimensionNameBytes { return .labelNameTooLong(name: name.text) }
            if isReserved(name) { return .reservedLabelName(name: name.text) }
            if name.count + value.count > TimestreamLimits.maxDimensionPairBytes { return .labelPairTooLong(name: name.text) }
        }
        return nil
    }

    /// `TimestreamLimits.isReserved(dimensionName:)` on bytes.
    private static func isReserved(_ name: ByteSpan) -> Bool {
        let first = name.start[0]
        guard first == UInt8(ascii: "t") || first == UInt8(ascii: "m") else { return false }
        return name.equals("time") || name.hasPrefix("measure_name") || name.hasPrefix("measure_value")
            || name.hasPrefix("ts_")
    }
}

/// How a series is named in a 400 body or a log line: `metric{a="b", …}`, cut at 200 characters.
enum SeriesName {
    static func describe(_ labels: ArraySlice<WriteRequestView.LabelBytes>, base: UnsafePointer<UInt8>) -> String {
        var name = ""
        var rest: [String] = []
        for label in labels {
            let labelName = ByteSpan(base, offset: label.nameOffset, count: label.nameCount).text
            let value = ByteSpan(base, offset: label.valueOffset, count: label.valueCount).text
            if labelName == "__name__" { if name.isEmpty { name = value } } else { rest.append("\(labelName)=\"\(value)\"") }
        }
        let text = name + "{" + rest.joined(separator: ", ") + "}"
        return text.count > 200 ? String(text.prefix(199)) + "…" : text
    }
}
