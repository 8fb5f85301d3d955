import TimestreamTranslation
import TimestreamCodec
import AWS
import RemoteStorage

/// Serves `…/write`: snappy → protobuf (Remote-Write 1.0 or 2.0, chosen by `Content-Type`) → records → parallel
/// WriteRecords → a spec-correct status.
/// Built once per cold start; holds no per-request state.
public final class RemoteWriteHandler: Sendable {
    /// WriteRecords calls in flight at once: a 2000-sample request (20 calls) goes out in one round trip.
    public static let maxConcurrentWrites = 32

    private let config: ConnectorConfig
    private let timestream: TimestreamWriting

    init(config: ConnectorConfig, timestream: TimestreamWriting) {
        self.config = config
        self.timestream = timestream
    }

    /// The outcome of one remote-write request: the reply and the figures for the invocation's log line.
    struct Outcome {
        var reply: ServiceResponse
        package var stats: WriteStats
        /// The first few skipped series with their reasons (`WritePlan.skippedSeries`).
        var skippedSeries: [String] = []
        /// The message the request carried; nil when its headers were refused (415).
        var message: RemoteWriteProtocol? = nil
        /// What was stored (sent as `X-Prometheus-Remote-Write-*-Written` headers on 2.0 answers).
        var written = WrittenCounts()
        /// Records Timestream refused (RejectedRecordsException).
        var rejected = 0
        /// Records of calls that failed whole (refused, or failed transiently), so not stored as far as known.
        var failed = 0
    }

    /// Serves one request. 1.0 and 2.0 bodies take the same translation, batching and status mapping; 2.0 answers
    /// also carry the `*-Written` headers.
    /// - Parameter usingOwnIdentity: the calls are signed with the process's own identity, not the caller's.
    func handle(
        body: [UInt8], contentType: String?, contentEncoding: String? = nil, credentials: Credentials,
        usingOwnIdentity: Bool = false, deadline: Deadline, tally: CallTally? = nil
    ) -> Outcome {
        var outcome = Outcome(reply: .noContent, stats: WriteStats())
        switch RemoteWriteProtocol.negotiate(contentType: contentType, contentEncoding: contentEncoding) {
        case .failure(let refusal):
            outcome.reply = refusal.response
            return outcome
        case .success(let message): outcome.message = message
        }
        switch plan(body, as: outcome.message ?? .v1) {
        case .failure(let refusal):
            outcome.reply = refusal.response
        case .success(let plan):
            outcome.stats = plan.stats
            outcome.skippedSeries = plan.skippedSeries
            // A request without samples (Prometheus sends metadata-only requests every minute) needs no call.
            let send = { [timestream, config] (calls: [WriteRecordsBody]) in
                timestream.writeRecords(
                    calls, credentials: credentials, deadline: deadline, maxAttempts: config.maxWriteAttempts,
                    maxConcurrent: Self.maxConcurrentWrites, tally: tally)
            }
            var results = plan.calls.isEmpty ? [] : send(plan.calls)
            // A call refused whole for some of its records: the others are sent again without them — unless a call
            // failed transiently: the answer is then 503 and Prometheus sends the whole batch again (isolating now
            // would add calls to a Timestream that is throttling, for records the re-send writes anyway).
            let failures = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            if failures.contains(where: RefusedCallIsolation.isRefusedForItsRecords), !failures.contains(where: \.isRetryable) {
                results = RefusedCallIsolation.isolate(calls: plan.calls, results: results, send: send)
            }
            outcome.reply = WriteReply.make(plan: plan, results: results, usingFunctionRole: usingOwnIdentity)
            outcome.written = WrittenCounts.tally(calls: plan.calls, results: results, stats: plan.stats)
            outcome.rejected = outcome.written.rejected
            outcome.failed = outcome.written.failed
        }
        // 2.0: no 2xx when exemplars were sent, and the headers follow every answer after a successful content
        // negotiation, 4xx/5xx included. 1.0 answers stay as they were (the 1.0 spec defines neither).
        if outcome.message == .v2 {
            outcome.reply = WriteReply.refusingExemplars(outcome.stats.skipped[.exemplar] ?? 0, after: outcome.reply)
            outcome.reply.headers += outcome.written.headers
        }
        return outcome
    }

    /// snappy → protobuf → the WriteRecords calls (`WriteTranslation`). A 1.0 request of any shape is decoded once,
    /// in place (`WriteRequestView`); a 2.0 request once, into `WriteRequest` values.
    private func plan(_ body: [UInt8], as message: RemoteWriteProtocol) -> Result<WritePlan, Refusal> {
        let raw: [UInt8]
        do {
            raw = try Snappy.decompress(body)
        } catch {
            return .failure(.text(400, "body is not a snappy block (remote_write sends raw snappy, not framed): \(error)"))
        }
        switch message {
        case .v1:
            let config = config.writeSettings
            let planned = raw.withUnsafeBytes { bytes in
                Result { () throws(ProtobufError) in
                    WriteTranslation.plan(try WriteRequestView(protobuf: bytes), body: bytes, config: config)
                }
            }
            return planned.mapError { .text(400, "body is not a remote-write WriteRequest protobuf: \($0)") }
        case .v2:
            do {
                return .success(WriteTranslation.plan(try WriteRequestV2(protobuf: raw).writeRequest, config: config.writeSettings))
            } catch {
                return .failure(.text(400, "body is not a valid remote-write 2.0 io.prometheus.write.v2.Request: \(error)"))
            }
        }
    }
}

extension StringProtocol {
    /// `self` without leading and trailing characters from `set` (FoundationEssentials-free).
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var slice = Substring(self)
        while let f = slice.first, chars.contains(f) { slice = slice.dropFirst() }
        while let l = slice.last, chars.contains(l) { slice = slice.dropLast() }
        return String(slice)
    }
}
