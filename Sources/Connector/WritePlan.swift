import AWS
import RemoteStorage
import TextCodecs

/// What a remote-write request becomes: the WriteRecords calls to make, what was skipped and why, and the
/// problems that make the request a 400 once the valid samples are written.
public struct WritePlan: Equatable, Sendable {
    /// The WriteRecords calls, encoded.
    public var calls: [WriteRecordsBody]
    public var stats: WriteStats
    /// Reasons for a 400 (series without a metric name, duplicate label names, or a limit/value violation when
    /// a fail flag is on). The first few name their series.
    public var invalid: [String]
    public var invalidCount: Int
}

/// Sample counts for one remote-write request, for the log line and the response.
public struct WriteStats: Equatable, Sendable {
    public var series = 0
    /// Float samples received plus the classic samples native histograms became (and one per histogram not
    /// converted), so that received = to write + skipped.
    public var samplesReceived = 0
    public var samplesToWrite = 0
    /// Native histogram samples received, and how many became classic series (`ClassicHistogramSeries`).
    public var histogramsReceived = 0
    public var histogramsConverted = 0
    /// Of `samplesToWrite`, the classic-histogram samples (so float samples = samplesToWrite − these).
    public var classicSamplesToWrite = 0
    public var skipped: [SkipReason: Int] = [:]
    public var metadata = 0

    public var samplesSkipped: Int { skipped.values.reduce(0, +) }

    public init() {}

    mutating func skip(_ reason: SkipReason, _ count: Int = 1) {
        guard count > 0 else { return }
        skipped[reason, default: 0] += count
    }
}

/// Turns a decoded remote-write request into Timestream records: one record per sample, measure name = the
/// `__name__` label, dimensions = the other non-empty labels sorted by name (a series without any:
/// `TimestreamLimits.nameOnlyDimension`), DOUBLE values, milliseconds.
/// Native histograms first become classic `_count`/`_sum`/`_bucket` series (`ClassicHistogramSeries`).
public enum WriteTranslation {
    /// How many invalid-series reasons a 400 body lists.
    public static let reasonsListed = 5

    public static func plan(_ request: WriteRequest, config: ConnectorConfig) -> WritePlan {
        var stats = WriteStats()
        stats.series = request.timeseries.count
        stats.metadata = request.metadataCount
        var invalid: [String] = []
        var invalidCount = 0
        func reject(_ series: TimeSeries, _ problem: String) {
            invalidCount += 1
            if invalid.count < reasonsListed { invalid.append("\(SeriesName.describe(series.labels)): \(problem)") }
        }

        var batcher = RecordBatcher(database: config.database, table: config.table)
        let clashes = NameClash.names(in: request)
        func translate(_ series: TimeSeries) {
            stats.samplesReceived += series.samples.count
            stats.skip(.exemplar, series.exemplarCount)

            var shape: SeriesShape
            switch SeriesShape.make(series.labels) {
            case .failure(let problem):
                reject(series, problem.explanation)
                return
            case .success(let value): shape = value
            }
            var violation = TimestreamLimits.firstViolation(metricName: shape.metricName, dimensions: shape.dimensions)
            // A series with no label but `__name__` gets the placeholder dimension (Timestream refuses a record
            // without dimensions, and with it the whole call).
            if shape.dimensions.isEmpty { shape.dimensions = [TimestreamLimits.nameOnlyDimension] }
            if violation == nil && !clashes.isEmpty, let clash = shape.dimensions.first(where: { clashes.contains($0.name) }) {
                violation = .labelNamedLikeMetric(name: clash.name)
            }
            if let violation {
                stats.skip(violation.skipReason, series.samples.count)
                if config.failOnLongLabel { reject(series, violation.explanation) }
                return
            }
            var seriesIndex: Int? = nil
            var unstorable: SkipReason? = nil
            for sample in series.samples {
                if let reason = SampleValue.unstorableReason(sample.value) {
                    stats.skip(reason)
                    // Stale markers are how Prometheus ends a series, never a user error: no 400 for them.
                    if reason == .nonFiniteValue { unstorable = reason }
                    continue
                }
                let index = seriesIndex ?? batcher.add(series: shape)
                seriesIndex = index
                batcher.append(seriesIndex: index, sample: sample)
                stats.samplesToWrite += 1
            }
            if unstorable != nil && config.failOnInvalidSampleValue {
                reject(series, "has NaN or infinite sample values, which Timestream cannot store")
            }
        }

        for series in request.timeseries {
            translate(series)
            guard !series.histograms.isEmpty else { continue }
            // Native histograms become classic series that take the same path as any other samples; one that
            // is not converted counts as one received and one skipped sample.
            let classic = ClassicHistogramSeries(series)
            stats.histogramsReceived += series.histograms.count
            stats.histogramsConverted += classic.converted
            stats.samplesReceived += classic.stale + classic.unconvertible
            stats.skip(.staleMarker, classic.stale)
            stats.skip(.nativeHistogram, classic.unconvertible)
            let before = stats.samplesToWrite
            for derived in classic.series { translate(derived) }
            stats.classicSamplesToWrite += stats.samplesToWrite - before
        }
        return WritePlan(
            calls: batcher.finish().map { $0.encoded() }, stats: stats, invalid: invalid, invalidCount: invalidCount)
    }
}

/// A series' metric name and dimensions, validated against the remote-write spec's label rules.
struct SeriesShape: Equatable {
    var metricName: String
    var dimensions: [Dimension]

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

    /// Labels with empty values are dropped: in Prometheus an empty label value is the same as no label, and
    /// Timestream dimension values must be non-empty.
    static func make(_ labels: [Label]) -> Result<SeriesShape, Problem> {
        var metricName: String? = nil
        var dimensions: [Dimension] = []
        dimensions.reserveCapacity(labels.count)
        var sorted = true
        for label in labels {
            if label.name.isEmpty { return .failure(.emptyLabelName) }
            if label.name == "__name__" {
                if metricName != nil { return .failure(.duplicateLabelName("__name__")) }
                metricName = label.value
                continue
            }
            if label.value.isEmpty { continue }
            if let last = dimensions.last, !(last.name < label.name) {
                if last.name.bytesEqual(label.name) { return .failure(.duplicateLabelName(label.name)) }
                sorted = false
            }
            dimensions.append(Dimension(name: label.name, value: label.value))
        }
        guard let name = metricName, !name.isEmpty else { return .failure(.missingMetricName) }
        if !sorted {
            dimensions.sort { $0.name < $1.name }
            for i in dimensions.indices.dropFirst() where dimensions[i].name.bytesEqual(dimensions[i - 1].name) {
                return .failure(.duplicateLabelName(dimensions[i].name))
            }
        }
        return .success(SeriesShape(metricName: name, dimensions: dimensions))
    }
}

/// How a series is named in a 400 body or a log line: `metric{a="b", …}`, cut at 200 characters.
enum SeriesName {
    static func describe(_ labels: [Label]) -> String {
        let name = labels.first { $0.name == "__name__" }?.value ?? ""
        let rest = labels.filter { $0.name != "__name__" }.map { "\($0.name)=\"\($0.value)\"" }
        let text = name + "{" + rest.joined(separator: ", ") + "}"
        return text.count > 200 ? String(text.prefix(199)) + "…" : text
    }
}
