import TimestreamCodec
import RemoteStorage
import TextCodecs

/// Turns Timestream result pages (`SELECT *` rows) into remote-read series in one pass: rows are grouped by
/// their label values with a hash map (linear time, across pages, so no series is repeated), labels come out
/// sorted by name with `__name__` among them, and samples sorted by time.
///
/// Columns: `measure_name` → `__name__`; `time` → the sample time; `measure_value::double` → the value;
/// other VARCHAR columns are dimensions → labels (NULL = label absent); any other column (other measure types,
/// multi-measure values, the name-only placeholder `TimestreamLimits.nameOnlyLabel`) is ignored.
package struct SeriesAssembler {
    package enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case missingColumn(String)
        case badTime(String)
        case badValue(String)
        /// Raised by the caller to stop paging (a cap on the samples one query may collect).
        case tooManySamples

        package var description: String {
            switch self {
            case .missingColumn(let name): "Timestream result has no \(name) column"
            case .badTime(let text): "Timestream returned an unreadable time '\(text)'"
            case .badValue(let text): "Timestream returned an unreadable double '\(text)'"
            case .tooManySamples: "too many samples"
            }
        }
    }

    /// Series by their label values (`SeriesKey` bytes: byte-exact, as Prometheus compares labels).
    private var seriesIndex: [[UInt8]: Int] = [:]
    private var series: [TimeSeries] = []
    /// The key and index of the series the previous row belonged to (index -1: none yet).
    private var lastKey: [UInt8] = []
    private var lastIndex = -1
    /// The current row's key, rebuilt in place for each row.
    private var key: [UInt8] = []
    package private(set) var sampleCount = 0

    package init() {}

    package mutating func add(_ page: QueryPage) throws(Problem) {
        guard page.cells.rowCount > 0 else { return }
        var timeColumn: Int? = nil
        var valueColumn: Int? = nil
        var labelColumns: [(index: Int, label: String)] = []
        for (index, column) in page.columns.enumerated() {
            switch column.name {
            case "time": timeColumn = index
            case "measure_value::double": valueColumn = index
            case "measure_name": labelColumns.append((index, "__name__"))
            default:
                // The name-only placeholder marks a series with `__name__` alone: it is no label.
                if column.name.hasPrefix("measure_value::") || column.name == TimestreamLimits.nameOnlyLabel {
                    continue
                }
                if column.scalarType == nil || column.scalarType == "VARCHAR" { labelColumns.append((index, column.name)) }
            }
        }
        guard let timeColumn else { throw .missingColumn("time") }
        guard let valueColumn else { throw .missingColumn("measure_value::double") }
        labelColumns.sort { $0.label.utf8.lexicographicallyPrecedes($1.label.utf8) }
        let labelIndices = labelColumns.map(\.index)
        let columnCount = page.columns.count
        try page.forEachRow { (row: QueryRow) throws(Problem) in
            guard row.count == columnCount, let valueText = row.scalar(valueColumn) else { return }
            guard let timeText = row.scalar(timeColumn) else { return }
            guard let time = TimestreamTime.milliseconds(timeText) else {
                throw .badTime(String(decoding: timeText, as: UTF8.self))
            }
            guard let value = DecimalDouble.parse(valueText) else {
                throw .badValue(String(decoding: valueText, as: UTF8.self))
            }
            let index: Int
            if lastIndex >= 0 && SeriesKey.matches(lastKey, row: row, labelColumns: labelIndices) {
                // Rows of one series mostly come together: comparing with the previous row's labels is cheaper
                // than hashing them all again.
                index = lastIndex
            } else {
                SeriesKey.build(&key, row: row, labelColumns: labelIndices)
                if let existing = seriesIndex[key] {
                    index = existing
                } else {
                    var labels: [Label] = []
                    for column in labelColumns {
                        // An empty value is no label (Timestream has no empty dimension values; NULL is absent).
                        if let text = row.scalar(column.index), !text.isEmpty {
                            labels.append(Label(name: column.label, value: String(decoding: text, as: UTF8.self)))
                        }
                    }
                    index = series.count
                    seriesIndex[key] = index
                    series.append(TimeSeries(labels: labels, samples: []))
                }
                lastKey = key
                lastIndex = index
            }
            series[index].samples.append(Sample(value: value, timestamp: time))
            sampleCount += 1
        }
    }

    /// The series, each with its samples sorted by time, ordered by their label sets.
    package func finish() -> [TimeSeries] {
        var result = series
        for i in result.indices where !result[i].samples.isSorted {
            result[i].samples.sort { $0.timestamp < $1.timestamp }
        }
        result.sort { a, b in
            for (x, y) in zip(a.labels, b.labels) {
                if !x.name.bytesEqual(y.name) { return x.name.utf8.lexicographicallyPrecedes(y.name.utf8) }
                if !x.value.bytesEqual(y.value) { return x.value.utf8.lexicographicallyPrecedes(y.value.utf8) }
            }
            return a.labels.count < b.labels.count
        }
        return result
    }
}

extension Array where Element == Sample {
    fileprivate var isSorted: Bool {
        var previous = Int64.min
        for sample in self {
            if sample.timestamp < previous { return false }
            previous = sample.timestamp
        }
        return true
    }
}
