import AWS
import TimestreamCodec
import TimestreamTranslation

/// What one remote-write request actually stored, for Remote-Write 2.0's required response headers
/// (https://prometheus.io/docs/specs/prw/remote_write_spec_2_0/#required-written-response-headers): "the precise
/// number of successfully written elements", sent with success and failure answers alike.
struct WrittenCounts: Equatable, Sendable {
    /// Float samples stored.
    var samples: Int
    /// Native histograms stored (as classic series): those whose every classic sample was sent, counted only when
    /// every call succeeded, so it never overstates.
    var histograms: Int
    /// Exemplars are not stored, so this stays 0.
    var exemplars: Int

    /// Timestream records accepted, float and classic-histogram samples together (the log's samples_written).
    var records: Int
    /// Records Timestream named in a `RejectedRecordsException` (not stored; the rest of their call was).
    var rejected: Int
    /// Records of calls that failed whole — refused (e.g. `ValidationException`) or failed otherwise — and so are
    /// not counted as stored. records + rejected + failed = the records sent.
    var failed: Int

    init(
        samples: Int = 0, histograms: Int = 0, exemplars: Int = 0, records: Int? = nil, rejected: Int = 0, failed: Int = 0
    ) {
        self.samples = samples
        self.histograms = histograms
        self.exemplars = exemplars
        self.records = records ?? samples
        self.rejected = rejected
        self.failed = failed
    }

    /// Samples stored by the WriteRecords calls (one record per sample): every record of a successful call, the
    /// records a `RejectedRecordsException` did not name (Timestream ingests the rest of the batch), none of a
    /// call that failed otherwise — refused whole (`ValidationException`: Timestream stores none of its records)
    /// or transiently (a timed-out call may have been stored; it is not counted, so the figure never overstates).
    /// With `stats`, the classic-histogram records are told apart from float samples: float samples written are the
    /// records minus all classic records (a lower bound when some calls failed), histograms count only when every
    /// call succeeded.
    static func tally(
        calls: [WriteRecordsBody], results: [Result<Void, TimestreamError>], stats: WriteStats = WriteStats()
    ) -> WrittenCounts {
        var samples = 0, rejected = 0, failed = 0
        for (call, result) in zip(calls, results) {
            switch result {
            case .success: samples += call.recordCount
            case .failure(let error) where !error.rejectedRecords.isEmpty:
                let named = min(call.recordCount, Set(error.rejectedRecords.map(\.recordIndex)).count)
                samples += call.recordCount - named
                rejected += named
            case .failure: failed += call.recordCount
            }
        }
        let classic = stats.classicSamplesToWrite
        let everyCallSucceeded = results.allSatisfy { if case .success = $0 { true } else { false } }
        return WrittenCounts(
            samples: max(0, samples - classic), histograms: everyCallSucceeded ? stats.histogramsToWrite : 0,
            records: samples, rejected: rejected, failed: failed)
    }

    var headers: [(name: String, value: String)] {
        [
            ("X-Prometheus-Remote-Write-Samples-Written", String(samples)),
            ("X-Prometheus-Remote-Write-Histograms-Written", String(histograms)),
            ("X-Prometheus-Remote-Write-Exemplars-Written", String(exemplars)),
        ]
    }
}
