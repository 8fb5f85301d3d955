import AWS
import RemoteStorage

/// Packs samples into WriteRecords requests of at most 100 records, in arrival order, and hoists what every
/// record of a request shares (measure name, dimensions, DOUBLE, MILLISECONDS) into `CommonAttributes`, which
/// Timestream merges back into each record. That shrinks request bodies (and Timestream's metered bytes) for
/// Prometheus batches whose series share `job`/`instance`, and for multi-sample series.
struct RecordBatcher {
    private let database: String
    private let table: String
    private var series: [SeriesShape] = []
    private var pending: [(series: Int, sample: Sample)] = []
    private var requests: [WriteRecordsRequest] = []

    init(database: String, table: String) {
        self.database = database
        self.table = table
        pending.reserveCapacity(TimestreamLimits.maxRecordsPerWrite)
    }

    /// Registers a series; returns the index to pass to `append`.
    mutating func add(series shape: SeriesShape) -> Int {
        series.append(shape)
        return series.count - 1
    }

    mutating func append(seriesIndex: Int, sample: Sample) {
        pending.append((seriesIndex, sample))
        if pending.count == TimestreamLimits.maxRecordsPerWrite { flush() }
    }

    mutating func finish() -> [WriteRecordsRequest] {
        flush()
        return requests
    }

    private mutating func flush() {
        guard let first = pending.first else { return }
        // Series in a batch are contiguous (samples arrive series by series), so walk distinct indices once.
        var members: [Int] = [first.series]
        for entry in pending where entry.series != members[members.count - 1] { members.append(entry.series) }

        let head = series[first.series]
        var commonDimensions = head.dimensions
        var commonMeasure: String? = head.metricName
        for index in members.dropFirst() {
            let other = series[index]
            if commonMeasure != other.metricName { commonMeasure = nil }
            if !commonDimensions.isEmpty { commonDimensions = Self.intersection(commonDimensions, other.dimensions) }
        }
        var records: [Record] = []
        records.reserveCapacity(pending.count)
        for entry in pending {
            let shape = series[entry.series]
            let dimensions = commonDimensions.isEmpty
                ? shape.dimensions : Self.subtracting(commonDimensions, from: shape.dimensions)
            records.append(
                Record(
                    dimensions: dimensions,
                    measureName: commonMeasure == nil ? shape.metricName : nil,
                    measureValue: SampleValue.format(entry.sample.value),
                    time: String(entry.sample.timestamp)))
        }
        requests.append(
            WriteRecordsRequest(
                databaseName: database, tableName: table,
                commonAttributes: CommonAttributes(
                    dimensions: commonDimensions, measureName: commonMeasure,
                    measureValueType: "DOUBLE", timeUnit: "MILLISECONDS"),
                records: records))
        pending.removeAll(keepingCapacity: true)
    }

    /// Dimensions present, with equal values, in both name-sorted lists.
    static func intersection(_ a: [Dimension], _ b: [Dimension]) -> [Dimension] {
        var out: [Dimension] = []
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i].name == b[j].name {
                if a[i].value == b[j].value { out.append(a[i]) }
                i += 1
                j += 1
            } else if a[i].name < b[j].name {
                i += 1
            } else {
                j += 1
            }
        }
        return out
    }

    /// `all` without the dimensions in `common` (both name-sorted; `common` ⊆ `all`).
    static func subtracting(_ common: [Dimension], from all: [Dimension]) -> [Dimension] {
        var out: [Dimension] = []
        out.reserveCapacity(all.count - common.count)
        var j = 0
        for dimension in all {
            if j < common.count && common[j].name == dimension.name {
                j += 1
            } else {
                out.append(dimension)
            }
        }
        return out
    }
}
