import TimestreamCodec

/// What a remote-write request becomes: the WriteRecords calls to make, what was skipped and why, and the
/// problems that make the request a 400 once the valid samples are written.
package struct WritePlan: Equatable, Sendable {
    /// The WriteRecords calls, encoded.
    package var calls: [WriteRecordsBody]
    package var stats: WriteStats
    /// Reasons for a 400 (series without a metric name, duplicate label names, or a limit/value violation when
    /// a fail flag is on). The first few name their series.
    package var invalid: [String]
    package var invalidCount: Int
    /// The first few series skipped whole or in part (not for stale markers or exemplars), each named with its
    /// reason: logged at debug level, so an operator can find them for `write_relabel_configs`.
    package var skippedSeries: [String] = []
}

/// Sample counts for one remote-write request, for the log line and the response.
package struct WriteStats: Equatable, Sendable {
    package var series = 0
    /// Float samples received plus the classic samples native histograms became (and one per histogram not
    /// converted), so that received = to write + skipped.
    package var samplesReceived = 0
    package var samplesToWrite = 0
    /// Native histogram samples received, and how many became classic series (`ClassicHistogramSeries`).
    package var histogramsReceived = 0
    package var histogramsConverted = 0
    /// Of the converted histograms, those whose every classic sample is batched (none skipped or refused): what
    /// a request whose calls all succeed has stored (Remote-Write 2.0's Histograms-Written).
    package var histogramsToWrite = 0
    /// Of `samplesToWrite`, the classic-histogram samples (so float samples = samplesToWrite − these).
    package var classicSamplesToWrite = 0
    package var skipped: [SkipReason: Int] = [:]
    var metadata = 0

    package var samplesSkipped: Int { skipped.samples }

    package init() {}

    mutating func skip(_ reason: SkipReason, _ count: Int = 1) {
        guard count > 0 else { return }
        skipped[reason, default: 0] += count
    }
}
