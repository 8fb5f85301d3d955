import TimestreamTranslation
import AWS
import RemoteStorage

/// Serves `…/read`: snappy → ReadRequest → one Timestream SQL query per `Query` (paged to the end) → series →
/// a `SAMPLES` ReadResponse (snappy) or `STREAMED_XOR_CHUNKS` frames, as negotiated (`ReadAnswer`), in parts.
/// Built once per process; holds no per-request state.
public final class RemoteReadHandler: Sendable {
    /// Samples one query may collect before it is cut short with a 413 (even chunked, ~1.3 M fit in 6 MB).
    public static let maxSamplesPerQuery = 3_000_000

    private let config: ConnectorConfig
    private let timestream: TimestreamQuerying

    public init(config: ConnectorConfig, timestream: TimestreamQuerying) {
        self.config = config
        self.timestream = timestream
    }

    public struct Outcome {
        public var reply: ServiceResponse
        public var queries = 0
        public var series = 0
        public var samples = 0
        /// The negotiated answer type (nil when the request was refused before negotiation).
        public var answer: ReadAnswer? = nil
    }

    /// - Parameter usingOwnIdentity: the calls are signed with the process's own identity, not the caller's.
    public func handle(body: [UInt8], credentials: Credentials, usingOwnIdentity: Bool = false, deadline: Deadline)
        -> Outcome
    {
        var outcome = Outcome(reply: .noContent)
        let request: ReadRequest
        do {
            request = try ReadRequest(protobuf: try Snappy.decompress(body))
        } catch let error as SnappyError {
            outcome.reply = .text(400, "body is not a snappy block (remote_read sends raw snappy, not framed): \(error)")
            return outcome
        } catch {
            outcome.reply = .text(400, "body is not a remote-read ReadRequest protobuf: \(error)")
            return outcome
        }
        guard let answer = ReadAnswer.negotiate(request.acceptedResponseTypes) else {
            outcome.reply = .text(400, "none of the accepted response types is supported: this endpoint answers SAMPLES and STREAMED_XOR_CHUNKS")
            return outcome
        }
        outcome.answer = answer
        outcome.queries = request.queries.count
        var results: [[TimeSeries]] = []
        for query in request.queries {
            switch run(query, credentials: credentials, usingOwnIdentity: usingOwnIdentity, deadline: deadline) {
            case .success(let series):
                outcome.series += series.count
                outcome.samples += series.reduce(0) { $0 + $1.samples.count }
                results.append(series)
            case .failure(let refusal):
                outcome.reply = refusal.response
                return outcome
            }
        }
        let (parts, headers) = answer.encode(results)
        // The front door applies its own size limit (Lambda's 6 MB) to the answer.
        outcome.reply = ServiceResponse(statusCode: 200, headers: headers, body: .parts(parts))
        return outcome
    }

    /// The series one query selects, or the reply that ends the request.
    func run(_ query: Query, credentials: Credentials, usingOwnIdentity: Bool, deadline: Deadline)
        -> Result<[TimeSeries], Refusal>
    {
        var absent: Set<String> = []
        // Each missing column found adds one label to `absent`; a query has finitely many matchers.
        for _ in 0...query.matchers.count {
            let sql: String?
            do {
                sql = try ReadSQL.statement(for: query, database: config.database, table: config.table, absentLabels: absent)
            } catch {
                return .failure(.text(400, "cannot translate the selector: \(error)"))
            }
            guard let sql else { return .success([]) }
            var assembler = SeriesAssembler()
            var assemblyProblem: SeriesAssembler.Problem? = nil
            let result = timestream.query(
                sql, credentials: credentials, deadline: deadline, maxAttempts: config.maxReadAttempts, maxRows: nil
            ) { page in
                do throws(SeriesAssembler.Problem) {
                    try assembler.add(page)
                } catch {
                    assemblyProblem = error
                    throw error
                }
                // Stop paging long before memory runs out: such an answer could not be returned anyway.
                if assembler.sampleCount > Self.maxSamplesPerQuery { throw SeriesAssembler.Problem.tooManySamples }
            }
            if assemblyProblem == nil, assembler.sampleCount > Self.maxSamplesPerQuery {
                return .failure(.text(413, "the selector matches more than \(Self.maxSamplesPerQuery) samples, more than an answer can hold: narrow the selector or the time range"))
            }
            if let assemblyProblem { return .failure(.text(502, "\(assemblyProblem)")) }
            switch result {
            case .success: return .success(assembler.finish())
            case .failure(let error):
                if let column = Self.missingColumn(error) {
                    if column == "measure_value::double" || column == "measure_name" || absent.contains(column) {
                        return .success([])  // no DOUBLE data at all: nothing to return
                    }
                    absent.insert(column)
                    continue
                }
                let reply =
                    FailureStatus.answer(for: [error], of: 1, .read, usingFunctionRole: usingOwnIdentity)
                    ?? .text(400, "Timestream rejected the query (\(error))")
                return .failure(Refusal(reply))
            }
        }
        return .success([])
    }

    /// The column named by Timestream's "Column 'x' does not exist" validation error, if that is the error.
    static func missingColumn(_ error: TimestreamError) -> String? {
        guard error.code == "ValidationException" else { return nil }
        let message = error.message
        guard let start = message.firstRange(of: "Column '"),
            let end = message[start.upperBound...].firstRange(of: "' does not exist")
        else { return nil }
        return String(message[start.upperBound..<end.lowerBound])
    }
}
