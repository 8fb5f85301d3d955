import AWS
import RemoteStorage
import TextCodecs

/// Turns Timestream result pages (`SELECT *` rows) into remote-read series in one pass: rows are grouped by
/// their label values with a hash map (linear time, across pages, so no series is repeated), labels come out
/// sorted by name with `__name__` among them, and samples sorted by time.
///
/// Columns: `measure_name` → `__name__`; `time` → the sample time; `measure_value::double` → the value;
/// other VARCHAR columns are dimensions → labels (NULL = label absent); any other column (other measure types,
/// multi-measure values) is ignored.
public struct SeriesAssembler {
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case missingColumn(String)
        case badTime(String)
        case badValue(String)
        /// Raised by the caller to stop paging (see `RemoteReadHandler.maxSamplesPerQuery`).
        case tooManySamples

        public var description: String {
            switch self {
            case .missingColumn(let name): "Timestream result has no \(name) column"
            case .badTime(let text): "Timestream returned an unreadable time '\(text)'"
            case .badValue(let text): "Timestream returned an unreadable double '\(text)'"
            case .tooManySamples: "too many samples"
            }
        }
    }

    private var seriesIndex: [ByteExactKey: Int] = [:]
    private var series: [TimeSeries] = []
    /// The label values and index of the series the previous row belonged to.
    private var lastSeries: (key: ByteExactKey, index: Int)? = nil
    public private(set) var sampleCount = 0

    public init() {}

    public mutating func add(_ page: QueryPage) throws(Problem) {
        guard !page.rows.isEmpty else { return }
        var timeColumn: Int? = nil
        var valueColumn: Int? = nil
        var labelColumns: [(index: Int, label: String)] = []
        for (index, column) in page.columns.enumerated() {
            switch column.name {
            case "time": timeColumn = index
            case "measure_value::double": valueColumn = index
            case "measure_name": labelColumns.append((index, "__name__"))
            default:
                if column.name.hasPrefix("measure_value::") { continue }
                if column.scalarType == nil || column.scalarType == "VARCHAR" { labelColumns.append((index, column.name)) }
            }
        }
        guard let timeColumn else { throw .missingColumn("time") }
        guard let valueColumn else { throw .missingColumn("measure_value::double") }
        labelColumns.sort { $0.label.utf8.lexicographicallyPrecedes($1.label.utf8) }

        var key: [String?] = []
        key.reserveCapacity(labelColumns.count)
        for row in page.rows {
            guard row.count == page.columns.count, case .scalar(let valueText) = row[valueColumn] else { continue }
            guard case .scalar(let timeText) = row[timeColumn] else { continue }
            guard let time = TimestreamTime.milliseconds(timeText) else { throw .badTime(timeText) }
            guard let value = Double(valueText) else { throw .badValue(valueText) }
            key.removeAll(keepingCapacity: true)
            for column in labelColumns {
                if case .scalar(let text) = row[column.index], !text.isEmpty { key.append(text) } else { key.append(nil) }
            }
            let index: Int
            let rowKey = ByteExactKey(values: key)
            if let last = lastSeries, last.key == rowKey {
                // Rows of one series mostly come together: comparing with the previous row's labels is cheaper
                // than hashing them all again.
                index = last.index
            } else if let existing = seriesIndex[rowKey] {
                index = existing
            } else {
                var labels: [Label] = []
                for (position, column) in labelColumns.enumerated() {
                    if let text = key[position] { labels.append(Label(name: column.label, value: text)) }
                }
                index = series.count
                seriesIndex[rowKey] = index
                series.append(TimeSeries(labels: labels, samples: []))
            }
            if lastSeries?.index != index { lastSeries = (rowKey, index) }
            series[index].samples.append(Sample(value: value, timestamp: time))
            sampleCount += 1
        }
    }

    /// The series, each with its samples sorted by time, ordered by their label sets.
    public func finish() -> [TimeSeries] {
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

/// Timestream's TIMESTAMP text, `2024-08-30 23:07:54.123456789` (UTC), as milliseconds since the epoch.
enum TimestreamTime {
    static func milliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                guard bytes[i] >= 0x30 && bytes[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(bytes[i] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var millis: Int64 = 0
        if bytes.count > 19 {
            guard bytes[19] == 0x2E, bytes.count > 20 else { return nil }
            let fraction = Array(bytes[20...].prefix(3)) + Array(repeating: 0x30, count: max(0, 3 - (bytes.count - 20)))
            for b in fraction {
                guard b >= 0x30 && b <= 0x39 else { return nil }
                millis = millis * 10 + Int64(b - 0x30)
            }
            for b in bytes[20...] where !(b >= 0x30 && b <= 0x39) { return nil }
        }
        return (daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + millis
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
