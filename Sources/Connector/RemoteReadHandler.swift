import TimestreamTranslation
import AWS
import TimestreamCodec
import RemoteStorage

/// Serves `…/read`: snappy → ReadRequest → one Timestream SQL query per `Query` (paged to the end) → a `SAMPLES`
/// ReadResponse (snappy) or `STREAMED_XOR_CHUNKS` frames, as negotiated (`ReadAnswer`), written to a
/// `ResponseSink`.
///
/// A SAMPLES answer is one message: its series are collected (`SeriesAssembler`, rows in any order) up to
/// `ConnectorConfig.maxReadSamples`, past which the read is answered 413. A streamed answer is framed while the
/// pages arrive (`+Streamed`): rows ordered series after series, each series framed as its samples come; memory
/// holds one page and one frame, and only a buffering front door caps it (`streamedSampleCap`).
///
/// Labels the table has no column for are known from its description (`DESCRIBE`, cached by `ColumnCache`), so
/// a selector naming them costs one query, or none when it cannot match; when Timestream says a described column
/// is missing, the description is refreshed once. Built once per process; its only shared state is the cache.
package final class RemoteReadHandler: Sendable {
    let config: ConnectorConfig
    let timestream: TimestreamQuerying
    let columns = ColumnCache()
    /// Wall clock in epoch milliseconds (the cache's age).
    private let now: @Sendable () -> Int64

    init(config: ConnectorConfig, timestream: TimestreamQuerying, now: @escaping @Sendable () -> Int64) {
        self.config = config
        self.timestream = timestream
        self.now = now
    }

    struct Outcome {
        var queries = 0
        var series = 0
        package var samples = 0
        /// The negotiated answer type (nil when the request was refused before negotiation).
        var answer: ReadAnswer? = nil
    }

    /// Answers the read into `sink` (`start` once, then `send`, or `abort` when a started answer fails).
    /// - Parameters:
    ///   - usingOwnIdentity: the calls are signed with the process's own identity, not the caller's.
    ///   - regexDialect: the regex semantics of the Prometheus that sent the request (its `User-Agent`).
    ///   - tally: the request's own Timestream call counts.
    ///   - streamedSampleCap: the most samples a streamed answer may hold (a front door that buffers it); nil:
    ///     no cap.
    func handle(
        body: [UInt8], credentials: Credentials, usingOwnIdentity: Bool = false, deadline: Deadline,
        regexDialect: RegexDialect = .prometheus3, tally: CallTally? = nil, into sink: ResponseSink,
        streamedSampleCap: Int? = nil
    ) -> Outcome {
        var outcome = Outcome()
        func refuse(_ response: ServiceResponse) -> Outcome {
            try? sink.start(response)
            return outcome
        }
        let request: ReadRequest
        do {
            request = try ReadRequest(protobuf: try Snappy.decompress(body))
        } catch let error as SnappyError {
            return refuse(.text(400, "body is not a snappy block (remote_read sends raw snappy, not framed): \(error)"))
        } catch {
            return refuse(.text(400, "body is not a remote-read ReadRequest protobuf: \(error)"))
        }
        guard let answer = ReadAnswer.negotiate(request.acceptedResponseTypes) else {
            return refuse(.text(400, "none of the accepted response types is supported: this endpoint answers SAMPLES and STREAMED_XOR_CHUNKS"))
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
        case .failure(let refusal): return refuse(refusal.response)
        case .success(let value): columns = value
        }
        // A table with very many dimensions makes the series order too long a statement for Timestream: such a
        // read is answered from series assembled whole, as SAMPLES are (capped by `maxReadSamples`).
        if answer == .streamedXORChunks && orderedStatementsFit(request.queries, columns: columns, context) {
            stream(request.queries, columns: columns, context, into: sink, cap: streamedSampleCap, &outcome)
            return outcome
        }
        var refreshed = false
        var results: [[TimeSeries]] = []
        for query in request.queries {
            switch run(query, columns: &columns, refreshed: &refreshed, cap: config.maxReadSamples - outcome.samples, answer: answer, context) {
            case .success(let series):
                outcome.series += series.count
                outcome.samples += series.reduce(0) { $0 + $1.samples.count }
                results.append(series)
            case .failure(let refusal): return refuse(refusal.response)
            }
        }
        let (parts, headers) = answer.encode(results)
        return refuse(ServiceResponse(statusCode: 200, headers: headers, body: .parts(parts)))
    }

    /// The 413 for a read past `cap` samples.
    func tooManySamples(_ cap: Int, _ answer: ReadAnswer) -> Refusal {
        .text(
            413,
            "the read matches more than \(cap) samples, the most a \(answer == .samples ? "SAMPLES" : "buffered") answer holds here (max_read_samples): narrow the selector or the time range"
                + (answer == .samples ? ", or let Prometheus ask for STREAMED_XOR_CHUNKS, which the standalone connector streams without a cap" : ""))
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
    func describe(naming labels: Set<String>, refresh: Bool = false, _ context: Context)
        -> Result<TableColumns, Refusal>
    {
        let now = now()
        let caller = context.usingOwnIdentity ? nil : context.credentials
        if !refresh, let cached = columns.columns(naming: labels, at: now, caller: caller) { return .success(cached) }
        var pages: [QueryPage] = []
        let result = timestream.query(
            TableColumns.describeStatement(database: config.database, table: config.table),
            credentials: context.credentials, deadline: context.deadline, maxAttempts: config.maxReadAttempts,
            maxRows: nil, tally: context.tally
        ) { pages.append($0) }
        switch result {
        case .success:
            let described = TableColumns(describing: pages)
            columns.store(described, at: now, caller: caller)
            return .success(described)
        case .failure(let error): return .failure(refusal(error, context))
        }
    }

    /// The series one query selects, or the reply that ends the request.
    /// - Parameters:
    ///   - cap: the most samples it may collect before the read is answered 413.
    ///   - answer: the type the read is answered in (the 413 says what helps).
    func run(
        _ query: Query, columns: inout TableColumns, refreshed: inout Bool, cap: Int, answer: ReadAnswer, _ context: Context
    ) -> Result<[TimeSeries], Refusal> {
        while true {
            let sql: String?
            let absent = columns.absentLabels(query)
            do {
                sql = try ReadSQL.statement(
                    for: query, database: config.database, table: config.table, absentLabels: absent,
                    regexDialect: context.regexDialect)
            } catch {
                return .failure(.text(400, "cannot translate the selector: \(error)"))
            }
            // A selector that cannot match, or a table without DOUBLE measures, has nothing to return. (The
            // selector is translated first: one Timestream could never run is a 400 even on an empty table.)
            guard let sql, columns.hasDoubleMeasures else { return .success([]) }
            var assembler = SeriesAssembler()
            var assemblyProblem: SeriesAssembler.Problem? = nil
            // A column of a label the statement took as absent (written since the table was described): the
            // answer could break the selector (`env!="prod"` answering `env="prod"`).
            var staleColumn: String? = nil
            let result = timestream.query(
                sql, credentials: context.credentials, deadline: context.deadline,
                maxAttempts: config.maxReadAttempts, maxRows: nil, tally: context.tally
            ) { page in
                if !absent.isEmpty, let column = page.columns.first(where: { absent.contains($0.name) }) {
                    staleColumn = column.name
                    throw SeriesAssembler.Problem.unorderedColumn(column.name)
                }
                do throws(SeriesAssembler.Problem) {
                    try assembler.add(page)
                } catch {
                    assemblyProblem = error
                    throw error
                }
                // Stop paging long before memory runs out: such an answer could not be returned anyway.
                if assembler.sampleCount > cap { throw SeriesAssembler.Problem.tooManySamples }
            }
            // The description was out of date — a column the statement names does not exist (the table was
            // recreated), or one it left out does —: describe again and rerun, once per request.
            let missingColumn = if case .failure(let error) = result { Self.missingColumn(error) } else { String?.none }
            if (staleColumn ?? missingColumn) != nil && !refreshed {
                refreshed = true
                switch describeAgain(context) {
                case .failure(let refusal): return .failure(refusal)
                case .success(let value): columns = value
                }
                continue
            }
            if let staleColumn {
                return .failure(.text(502, "the table gained the column '\(staleColumn)' while it was read: retry the query"))
            }
            if assemblyProblem == nil, assembler.sampleCount > cap { return .failure(tooManySamples(config.maxReadSamples, answer)) }
            if let assemblyProblem { return .failure(.text(502, "\(assemblyProblem)")) }
            switch result {
            case .success: return .success(assembler.finish())
            case .failure(let error): return .failure(refusal(error, context))
            }
        }
    }

    /// A fresh description (the cached one was out of date).
    func describeAgain(_ context: Context) -> Result<TableColumns, Refusal> {
        columns.invalidate()
        return describe(naming: [], refresh: true, context)
    }

    /// The answer for a failed query: `FailureStatus`, else a 400 with Timestream's reason.
    func refusal(_ error: TimestreamError, _ context: Context) -> Refusal {
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
