import TimestreamCodec
import RemoteStorage
import TextCodecs

/// Where the columns of a read's `SELECT *` page are, and how one of its rows reads as a labelled sample: the row
/// decoding that `SeriesAssembler` (rows in any order) and `OrderedSeriesReader` (rows series after series) share.
///
/// Columns: `measure_name` → `__name__`; `time` → the sample time; `measure_value::double` → the value; other
/// VARCHAR columns are dimensions → labels (NULL = label absent); any other column (other measure types,
/// multi-measure values, the name-only placeholder `TimestreamLimits.nameOnlyLabel`) is ignored.
struct PageLayout {
    let time: Int
    let value: Int
    /// Label columns sorted by label name (byte-wise), `__name__` among them.
    let labels: [(index: Int, label: String)]
    /// `labels`' column indices (a `SeriesKey`'s columns).
    let labelIndices: [Int]
    let columnCount: Int

    init(_ page: QueryPage) throws(SeriesAssembler.Problem) {
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
        time = timeColumn
        value = valueColumn
        labels = labelColumns
        labelIndices = labelColumns.map(\.index)
        columnCount = page.columns.count
    }

    /// The row's sample, or nil for a row that holds none (no DOUBLE value or no time: another measure type).
    @inline(__always)
    func sample(_ row: QueryRow) throws(SeriesAssembler.Problem) -> Sample? {
        guard row.count == columnCount, let valueText = row.scalar(value) else { return nil }
        guard let timeText = row.scalar(time) else { return nil }
        guard let time = TimestreamTime.milliseconds(timeText) else {
            throw .badTime(String(decoding: timeText, as: UTF8.self))
        }
        guard let value = DecimalDouble.parse(valueText) else {
            throw .badValue(String(decoding: valueText, as: UTF8.self))
        }
        return Sample(value: value, timestamp: time)
    }

    /// The row's label set, sorted by name. An empty value is no label (Timestream has no empty dimension values;
    /// NULL is absent).
    func labelSet(_ row: QueryRow) -> [Label] {
        var labels: [Label] = []
        for column in self.labels {
            if let text = row.scalar(column.index), !text.isEmpty {
                labels.append(Label(name: column.label, value: String(decoding: text, as: UTF8.self)))
            }
        }
        return labels
    }
}
