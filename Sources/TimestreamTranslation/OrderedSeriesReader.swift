import TimestreamCodec
import RemoteStorage

/// Reads the pages of a statement ordered by `ReadSQL.seriesOrder` — rows series after series in `LabelSetOrder`,
/// each series' rows by time — and reports each series as it starts and each of its samples as it comes, holding
/// only the current series' labels: what a streamed answer needs to frame series while the pages arrive.
///
/// It checks what it relies on instead of trusting it: every label column of the result must be one the order
/// covers (`Problem.unorderedColumn`: the table gained a dimension since it was described; describe again and
/// rerun), every new series must sort after the previous one and samples must not go back in time
/// (`Problem.outOfOrder`), so a wrong order is an error, never an answer that repeats or mixes series.
package struct OrderedSeriesReader {
    /// The label columns the order covers (the dimensions it was made with).
    private let dimensions: Set<String>
    private var lastKey: [UInt8] = []
    private var key: [UInt8] = []
    private var lastLabels: [Label]? = nil
    private var lastTime = Int64.min
    package private(set) var seriesCount = 0
    package private(set) var sampleCount = 0

    /// - Parameter dimensions: the dimension columns the statement was ordered by (`ReadSQL.statement(orderedBy:)`).
    package init(orderedBy dimensions: Set<String>) { self.dimensions = dimensions }

    /// Reads one page: `series` with each new series' labels (sorted by name), then `sample` with each of its
    /// samples. Throws a `SeriesAssembler.Problem`, or what a callback throws.
    package mutating func read(
        _ page: QueryPage, series: ([Label]) throws -> Void, sample: (Sample) throws -> Void
    ) throws {
        guard page.cells.rowCount > 0 else { return }
        let layout = try PageLayout(page)
        for column in layout.labels where column.label != "__name__" && !dimensions.contains(column.label) {
            throw SeriesAssembler.Problem.unorderedColumn(column.label)
        }
        let labelIndices = layout.labelIndices
        try page.forEachRow { (row: QueryRow) throws in
            guard let next = try layout.sample(row) else { return }
            if lastLabels == nil || !SeriesKey.matches(lastKey, row: row, labelColumns: labelIndices) {
                SeriesKey.build(&key, row: row, labelColumns: labelIndices)
                let labels = layout.labelSet(row)
                if let lastLabels, !LabelSetOrder.precedes(lastLabels, labels) {
                    throw SeriesAssembler.Problem.outOfOrder("series \(labels) after \(lastLabels)")
                }
                swap(&lastKey, &key)
                lastLabels = labels
                lastTime = .min
                seriesCount += 1
                try series(labels)
            }
            guard next.timestamp >= lastTime else {
                throw SeriesAssembler.Problem.outOfOrder("sample at \(next.timestamp) ms after \(lastTime) ms in \(lastLabels!)")
            }
            lastTime = next.timestamp
            sampleCount += 1
            try sample(next)
        }
    }
}
