import AWS
import LambdaRuntime
import RemoteStorage

/// Serves `…/write`: snappy → protobuf → records → parallel WriteRecords → a spec-correct status.
/// Built once per cold start; holds no per-request state.
public final class RemoteWriteHandler {
    /// WriteRecords calls in flight at once: a 2000-sample request (20 calls) goes out in one round trip.
    public static let maxConcurrentWrites = 32

    private let config: ConnectorConfig
    private let timestream: TimestreamWriting
    private let log: Logger

    public init(config: ConnectorConfig, timestream: TimestreamWriting, log: Logger) {
        self.config = config
        self.timestream = timestream
        self.log = log
    }

    /// The outcome of one remote-write request: the reply and the figures for the invocation's log line.
    public struct Outcome {
        public var reply: APIGatewayResponse
        public var stats: WriteStats
        public var calls: Int
        /// Records Timestream refused (RejectedRecordsException).
        public var rejected = 0
    }

    public func handle(body: [UInt8], contentType: String?, credentials: Credentials, deadline: Deadline) -> Outcome {
        var outcome = Outcome(reply: .noContent, stats: WriteStats(), calls: 0)
        if let contentType, let problem = Self.unsupportedContentType(contentType) {
            outcome.reply = .text(415, problem)
            return outcome
        }
        let raw: [UInt8]
        do {
            raw = try Snappy.decompress(body)
        } catch {
            outcome.reply = .text(400, "body is not a snappy block (remote_write sends raw snappy, not framed): \(error)")
            return outcome
        }
        let request: WriteRequest
        do {
            request = try WriteRequest(protobuf: raw)
        } catch {
            outcome.reply = .text(400, "body is not a remote-write WriteRequest protobuf: \(error)")
            return outcome
        }
        let plan = WriteTranslation.plan(request, config: config)
        outcome.stats = plan.stats
        outcome.calls = plan.requests.count
        // A request without samples (Prometheus sends metadata-only requests every minute) needs no call.
        let results =
            plan.requests.isEmpty
            ? []
            : timestream.writeRecords(
                plan.requests, credentials: credentials, deadline: deadline, maxAttempts: config.maxWriteAttempts,
                maxConcurrent: Self.maxConcurrentWrites)
        for case .failure(let error) in results { outcome.rejected += error.rejectedRecords.count }
        outcome.reply = WriteReply.make(plan: plan, results: results)
        return outcome
    }

    /// Remote-Write 1.0 is `application/x-protobuf` (optionally `;proto=prometheus.WriteRequest`); anything
    /// else, such as Remote-Write 2.0's `io.prometheus.write.v2.Request`, gets a 415 as the 2.0 spec requires.
    static func unsupportedContentType(_ value: String) -> String? {
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: " \t").lowercased() }
        guard let media = parts.first, !media.isEmpty else { return nil }
        guard media == "application/x-protobuf" else {
            return "Content-Type \(value) is not supported: send application/x-protobuf (remote-write 1.0)"
        }
        for parameter in parts.dropFirst() where parameter.hasPrefix("proto=") {
            let proto = parameter.dropFirst("proto=".count)
            if proto != "prometheus.writerequest" {
                return "remote-write message \(proto) is not supported: use protobuf_message: prometheus.WriteRequest (remote-write 1.0)"
            }
        }
        return nil
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
