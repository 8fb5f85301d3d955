// Prometheus' remote-storage data model: prompb/types.proto (Prometheus 2.42,
// https://github.com/prometheus/prometheus/blob/v2.42.0/prompb/types.proto).

/// A label pair (`prometheus.Label`: name = 1, value = 2).
package struct Label: Equatable, Hashable, Sendable {
    package var name: String
    package var value: String

    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One sample (`prometheus.Sample`: value = 1 double, timestamp = 2 int64 milliseconds since the epoch).
/// The value keeps its exact bits (NaN payloads such as the stale marker 0x7ff0000000000002, -0).
package struct Sample: Equatable, Sendable {
    package var value: Double
    package var timestamp: Int64

    package init(value: Double, timestamp: Int64) {
        self.value = value
        self.timestamp = timestamp
    }

    /// Bit-exact equality: NaN equals the same NaN, and 0 differs from -0 (Double's `==` does neither).
    package static func == (lhs: Sample, rhs: Sample) -> Bool {
        lhs.value.bitPattern == rhs.value.bitPattern && lhs.timestamp == rhs.timestamp
    }
}

/// A series (`prometheus.TimeSeries`: labels = 1, samples = 2, exemplars = 3, histograms = 4).
/// Exemplars are validated and counted, not kept: Timestream storage has no place for them, and the count lets
/// callers report what they did not store. Native histograms are decoded and validated (`Histogram`).
package struct TimeSeries: Equatable, Sendable {
    package var labels: [Label]
    package var samples: [Sample]
    package var exemplarCount: Int
    package var histograms: [Histogram]

    package init(labels: [Label], samples: [Sample], exemplarCount: Int = 0, histograms: [Histogram] = []) {
        self.labels = labels
        self.samples = samples
        self.exemplarCount = exemplarCount
        self.histograms = histograms
    }
}
