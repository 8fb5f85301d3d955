import AWS
import LambdaRuntime

/// What one remote-write request actually stored, for Remote-Write 2.0's required response headers
/// (https://prometheus.io/docs/specs/prw/remote_write_spec_2_0/#required-written-response-headers): "the precise
/// number of successfully written elements", sent with success and failure answers alike.
public struct WrittenCounts: Equatable, Sendable {
    public var samples: Int
    /// Native histograms are not stored, so this stays 0.
    public var histograms: Int
    /// Exemplars are not stored, so this stays 0.
    public var exemplars: Int

    public init(samples: Int = 0, histograms: Int = 0, exemplars: Int = 0) {
        self.samples = samples
        self.histograms = histograms
        self.exemplars = exemplars
    }

    /// Samples stored by the WriteRecords calls (one record per sample): every record of a successful call, the
    /// records a `RejectedRecordsException` did not name (Timestream ingests the rest of the batch), none of a
    /// call that failed otherwise (a timed-out call may have been stored; it is not counted, so the figure never
    /// overstates).
    public static func tally(requests: [WriteRecordsRequest], results: [Result<Void, TimestreamError>]) -> WrittenCounts {
        var samples = 0
        for (request, result) in zip(requests, results) {
            switch result {
            case .success: samples += request.records.count
            case .failure(let error) where !error.rejectedRecords.isEmpty:
                let rejected = Set(error.rejectedRecords.map(\.recordIndex)).count
                samples += max(0, request.records.count - rejected)
            case .failure: break
            }
        }
        return WrittenCounts(samples: samples)
    }

    public var headers: [(name: String, value: String)] {
        [
            ("X-Prometheus-Remote-Write-Samples-Written", String(samples)),
            ("X-Prometheus-Remote-Write-Histograms-Written", String(histograms)),
            ("X-Prometheus-Remote-Write-Exemplars-Written", String(exemplars)),
        ]
    }
}
