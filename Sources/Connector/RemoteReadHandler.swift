import TimestreamTranslation
import AWS
import TimestreamCodec
import RemoteStorage

/// Serves `…/read`: snappy → ReadRequest → one Timestream SQL query per `Query` (paged to the end) → series →
/// a `SAMPLES` ReadResponse (snappy) or `STREAMED_XOR_CHUNKS` frames, as negotiated (`ReadAnswer`), in parts.
///
/// Labels the table has no column for are known from its description (`DESCRIBE`, cached by `ColumnCache`), so
/// a selector naming them costs one query, or none when it cannot match; when Timestream says a described column
/// is missing, the description is refreshed once. Built once per process; its only shared state is the cache.
package final class RemoteReadHandler: Sendable {
    /// Samples one query may collect before it is cut short with a 413 (even chunked, ~1.3 M fit in 6 MB).
    static let maxSamplesPerQuery = 3_000_000

    private let config: ConnectorConfig
    private let timestream: TimestreamQuerying
    private let columns = ColumnCache()
    /// Wall clock in epoch milliseconds (the cache's age).
    private let now: @Sendable () -> Int64

    init(config: ConnectorConfig, timestream: TimestreamQuerying, now: @escaping @Sendable () -> Int64) {
        self.config = config
        self.timestream = timestream
        self.now = now
    }

    struct Outcome {
        var reply: ServiceResponse
        var queries = 0
        var series = 0
        package var samples = 0
        /// The negotiated answer type (nil when the request was refused before negotiation).
        var answer: ReadAnswer? = nil
    }

    /// - Parameters:
    ///   - usingOwnIdentity: the calls are signed with the process's own identity, not the caller's.
    ///   - regexDialect: the regex semantics of the Prometheus that sent the request (its `User-Agent`).
    ///   - tally: the request's own Timestream call counts.
    func handle(
        body: [UInt8], credentials: Credentials, usingOwnIdentity: Bool = false, deadline: Deadline,
        regexDialect: RegexDialect = .prometheus3, tally: CallTally? = nil
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
        let context = Context(
            credentials: credentials, usingOwnIdentity: usingOwnIdentity, deadline: deadline, regexDialect: regexDialect,
            tally: tally)
        var labels: Set<String> = []
        for query in request.queries { labels.formUnion(query.matchers.lazy.map(\.name).filter { $0 != "__name__" }) }
        var columns: TableColumns
        switch describe(naming: labels, context) {
        case .failure(let refusal):
            outcome.reply = refusal.response
            return outcome
        case .success(let value): columns = value
        }
        var refreshed = false
        var results: [[TimeSeries]] = []
        for query in request.queries {
            switch run(query, columns: &columns, refreshed: &refreshed, context) {
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

    /// What every Timestream call of one request is made with.
    struct Context {
        var credentials: Credentials
        var usingOwnIdentity: Bool
        var deadline: Deadline
        var regexDialect: RegexDialect
        /// The request's own call counts.
        var tally: CallTally?
    }

    /// The table's columns: from the cache when it can answer for `labels`, else one `DESCRIBE` (cached).
    private func describe(naming labels: Set<String>, refresh: Bool = false, _ context: Context)
        -> Result<TableColumns, Refusal>
    {
        let now = now()
        if !refresh, let cached = columns.columns(naming: labels, at: now) { return .success(cached) }
        var pages: [QueryPage] = []
        let result = timestream.query(
            TableColumns.describeStatement(database: config.database, table: config.table),
            credentials: context.credentials, deadline: context.deadline, maxAttempts: config.maxReadAttempts,
            maxRows: nil, tally: context.tally
        ) { pages.append($0) }
        switch result {
        case .success:
            let described = TableColumns(describing: pages)
            columns.store(described, at: now)
            return .success(described)
        case .failure(let error): return .failure(refusal(error, context))
        }
    }

    /// The series one query selects, or the reply that ends the request.
    func run(_ query: Query, columns: inout TableColumns, refreshed: inout Bool, _ context: Context)
        -> Result<[TimeSeries], Refusal>
    {
        while true {
            let sql: String?
            do {
                sql = try ReadSQL.statement(
                    for: query, database: config.database, table: config.table,
                    absentLabels: columns.absentLabels(query), regexDialect: context.regexDialect)
            } catch {
                return .failure(.text(400, "cannot translate the selector: \(error)"))
            }
            // A selector that cannot match, or a table without DOUBLE measures, has nothing to return. (The
            // selector is translated first: one Timestream could never run is a 400 even on an empty table.)
            guard let sql, columns.hasDoubleMeasures else { return .success([]) }
            var assembler = SeriesAssembler()
            var assemblyProblem: SeriesAssembler.Problem? = nil
            let result = timestream.query(
                sql, credentials: context.credentials, deadline: context.deadline,
                maxAttempts: config.maxReadAttempts, maxRows: nil, tally: context.tally
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
                // The description was out of date (the table was recreated): describe again, once per request.
                if Self.missingColumn(error) != nil && !refreshed {
                    refreshed = true
                    self.columns.invalidate()
                    switch describe(naming: [], refresh: true, context) {
                    case .failure(let refusal): return .failure(refusal)
                    case .success(let value): columns = value
                    }
                    continue
                }
                return .failure(refusal(error, context))
            }
        }
    }

    /// The answer for a failed query: `FailureStatus`, else a 400 with Timestream's reason.
    private func refusal(_ error: TimestreamError, _ context: Context) -> Refusal {
        Refusal(
            FailureStatus.answer(for: [error], of: 1, .read, usingFunctionRole: context.usingOwnIdentity)
                ?? .text(400, "Timestream rejected the query (\(error))"))
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
