import AWS
import LambdaRuntime
import RemoteStorage

/// Serves `…/read`: snappy → ReadRequest → one Timestream SQL query per `Query` (paged to the end) → series →
/// a `SAMPLES` ReadResponse (snappy) or `STREAMED_XOR_CHUNKS` frames, as negotiated (`ReadAnswer`); base64 in
/// the Lambda response. Built once per cold start.
public final class RemoteReadHandler {
    /// Lambda's synchronous response limit (6 MB) for the whole JSON answer, base64 body included.
    public static let maxLambdaResponseBytes = 6 * 1024 * 1024
    /// Room for the API Gateway response envelope around the base64 body.
    static let envelopeAllowance = 1024
    /// Samples one query may collect before it is cut short with a 413 (even chunked, ~1.3 M fit in 6 MB).
    public static let maxSamplesPerQuery = 3_000_000

    private let config: ConnectorConfig
    private let timestream: TimestreamQuerying

    /// Bytes of `count` bytes as base64 (how a binary body travels in the Lambda answer).
    public static func base64Size(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Whether a binary body of `bodyBytes` fits Lambda's 6 MB answer once base64-encoded, envelope included.
    public static func fitsLambdaResponse(bodyBytes: Int) -> Bool {
        base64Size(bodyBytes) + envelopeAllowance <= maxLambdaResponseBytes
    }

    public init(config: ConnectorConfig, timestream: TimestreamQuerying) {
        self.config = config
        self.timestream = timestream
    }

    public struct Outcome {
        public var reply: APIGatewayResponse
        public var queries = 0
        public var series = 0
        public var samples = 0
        /// The negotiated answer type (nil when the request was refused before negotiation).
        public var answer: ReadAnswer? = nil
    }

    /// - Parameter regexDialect: the regex semantics of the Prometheus that sent the request (its `User-Agent`).
    public func handle(
        body: [UInt8], credentials: Credentials, deadline: Deadline, regexDialect: RegexDialect = .prometheus3
    ) -> Outcome {
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
            switch run(query, credentials: credentials, deadline: deadline, regexDialect: regexDialect) {
            case .success(let series):
                outcome.series += series.count
                outcome.samples += series.reduce(0) { $0 + $1.samples.count }
                results.append(series)
            case .failure(let refusal):
                outcome.reply = refusal.response
                return outcome
            }
        }
        let (encoded, headers) = answer.encode(results)
        let base64Size = Self.base64Size(encoded.count)
        guard Self.fitsLambdaResponse(bodyBytes: encoded.count) else {
            outcome.reply = .text(
                413,
                "the answer (\(outcome.samples) samples in \(outcome.series) series, \(base64Size) bytes as base64) exceeds Lambda's 6 MB response limit: narrow the selector or the time range")
            return outcome
        }
        // A binary body travels base64 in the Lambda response and as bytes on the wire.
        outcome.reply = APIGatewayResponse(statusCode: 200, headers: headers, body: encoded)
        return outcome
    }

    /// The series one query selects, or the reply that ends the request.
    func run(
        _ query: Query, credentials: Credentials, deadline: Deadline, regexDialect: RegexDialect
    ) -> Result<[TimeSeries], Refusal> {
        var absent: Set<String> = []
        // Each missing column found adds one label to `absent`; a query has finitely many matchers.
        for _ in 0...query.matchers.count {
            let sql: String?
            do {
                sql = try ReadSQL.statement(
                    for: query, database: config.database, table: config.table, absentLabels: absent,
                    regexDialect: regexDialect)
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
                return .failure(.text(413, "the selector matches more than \(Self.maxSamplesPerQuery) samples, more than a Lambda answer can hold: narrow the selector or the time range"))
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
                return .failure(Refusal(ReadReply.failure(error, usingFunctionRole: config.useFunctionCredentials)))
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

/// The remote-read answer for a failed Timestream query: transient → 503 + Retry-After; refused credentials →
/// 403; a missing table → 500; anything else Timestream rejects in the statement → 400 with its message.
enum ReadReply {
    static func failure(_ error: TimestreamError, usingFunctionRole: Bool) -> APIGatewayResponse {
        if error.isRetryable {
            var reply = APIGatewayResponse.text(503, "Timestream query failed transiently (\(error)); retry the query")
            reply.headers.append(("Retry-After", WriteReply.retryAfterSeconds))
            return reply
        }
        if error.isAuthFailure {
            if usingFunctionRole {
                return .text(500, "Timestream refused the function's role (\(error)): grant it timestream:Select on the table and timestream:DescribeEndpoints")
            }
            return .text(403, "Timestream refused the credentials (\(error)): check the access key in basic_auth or the function's IAM policy")
        }
        if error.code == "ResourceNotFoundException" {
            return .text(500, "Timestream database or table not found (\(error)): create it or fix default_database/default_table")
        }
        return .text(400, "Timestream rejected the query (\(error))")
    }
}
