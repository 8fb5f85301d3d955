import TimestreamCodec
import RemoteStorage
import TextCodecs

/// Turns Timestream result pages (`SELECT *` rows) into remote-read series in one pass: rows are grouped by
/// their label values with a hash map (linear time, across pages, so no series is repeated), labels come out
/// sorted by name with `__name__` among them, and samples sorted by time. Rows read as `PageLayout` says.
package struct SeriesAssembler {
    package enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case missingColumn(String)
        case badTime(String)
        case badValue(String)
        /// Raised by the caller to stop paging (a cap on the samples one query may collect).
        case tooManySamples
        /// Rows read series after series: a label column the `ORDER BY` does not cover (a newer description has it).
        case unorderedColumn(String)
        /// Rows read series after series: a series or a sample out of order.
        case outOfOrder(String)

        package var description: String {
            switch self {
            case .missingColumn(let name): "Timestream result has no \(name) column"
            case .badTime(let text): "Timestream returned an unreadable time '\(text)'"
            case .badValue(let text): "Timestream returned an unreadable double '\(text)'"
            case .tooManySamples: "too many samples"
            case .unorderedColumn(let name): "Timestream result has a column '\(name)' the table's description did not list"
            case .outOfOrder(let what): "Timestream returned rows out of the requested order: \(what)"
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
        let layout = try PageLayout(page)
        let labelIndices = layout.labelIndices
        try page.forEachRow { (row: QueryRow) throws(Problem) in
            guard let sample = try layout.sample(row) else { return }
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
                    index = series.count
                    seriesIndex[key] = index
                    series.append(TimeSeries(labels: layout.labelSet(row), samples: []))
                }
                lastKey = key
                lastIndex = index
            }
            series[index].samples.append(sample)
            sampleCount += 1
        }
    }

    /// The series, each with its samples sorted by time, ordered by their label sets.
    package func finish() -> [TimeSeries] {
        var result = series
        for i in result.indices where !result[i].samples.isSorted {
            result[i].samples.sort { $0.timestamp < $1.timestamp }
        }
        result.sort { LabelSetOrder.precedes($0.labels, $1.labels) }
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
