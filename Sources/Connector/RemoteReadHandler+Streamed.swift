import AWS
import RemoteStorage
import TimestreamCodec
import TimestreamTranslation

/// A STREAMED_XOR_CHUNKS answer, sent while Timestream's pages arrive: each query's statement orders the rows
/// series after series in the order TSDB blocks keep (`ReadSQL.seriesOrder`), `OrderedSeriesReader` reports each
/// series and sample as it comes, and `SeriesFramer` cuts the frames (one per series; a series over
/// `StreamedChunks.defaultMaxBytesInFrame`, 32 MiB, over several). Memory: one page and one series' frame, whatever
/// the answer's size.
///
/// The status is decided by the first frame: a failure before it is the read's usual error answer; after it the
/// sink is told to `abort` (the client must see a broken stream, never a shorter valid answer). A description
/// that missed a column (the table gained a dimension) is refreshed and the query rerun, once per request, while
/// the query has sent nothing.
extension RemoteReadHandler {
    func stream(
        _ queries: [Query], columns described: TableColumns, _ context: Context, into sink: ResponseSink, cap: Int?,
        _ outcome: inout Outcome
    ) {
        var columns = described
        var refreshed = false
        var started = false
        /// Sends a frame; the first one starts the answer.
        func emit(_ frame: [UInt8]) throws {
            if started { return try sink.send(frame) }
            started = true
            try sink.start(ServiceResponse(statusCode: 200, headers: ReadAnswer.streamedXORChunks.headers, body: .bytes(frame)))
        }
        func fail(_ refusal: Refusal) {
            if started { sink.abort(refusal.response) } else { try? sink.start(refusal.response) }
        }
        for (index, query) in queries.enumerated() {
            while true {
                let sql: String?
                do {
                    sql = try ReadSQL.statement(
                        for: query, database: config.database, table: config.table,
                        absentLabels: columns.absentLabels(query), regexDialect: context.regexDialect,
                        orderedBy: columns.dimensions)
                } catch {
                    return fail(.text(400, "cannot translate the selector: \(error)"))
                }
                // A selector that cannot match, or a table without DOUBLE measures, has nothing to return.
                guard let sql, columns.hasDoubleMeasures else { break }
                var reader = OrderedSeriesReader(orderedBy: columns.dimensions)
                var framer = SeriesFramer()
                var framed = false  // this query has sent a frame
                var problem: SeriesAssembler.Problem? = nil
                var sinkClosed = false
                let samplesBefore = outcome.samples
                let result = timestream.query(
                    sql, credentials: context.credentials, deadline: context.deadline,
                    maxAttempts: config.maxReadAttempts, maxRows: nil, tally: context.tally
                ) { page in
                    do {
                        try reader.read(
                            page,
                            series: { labels in
                                if let frame = framer.end() { try emit(frame); framed = true }
                                framer.begin(labels: labels, queryIndex: index)
                            },
                            sample: { sample in
                                if let frame = framer.append(timestamp: sample.timestamp, value: sample.value) {
                                    try emit(frame)
                                    framed = true
                                }
                            })
                    } catch let error as SeriesAssembler.Problem {
                        problem = error
                        throw error
                    } catch {
                        sinkClosed = true
                        throw error
                    }
                    if let cap, samplesBefore + reader.sampleCount > cap {
                        problem = .tooManySamples
                        throw SeriesAssembler.Problem.tooManySamples
                    }
                }
                outcome.series += reader.seriesCount
                outcome.samples = samplesBefore + reader.sampleCount
                if sinkClosed {
                    return sink.abort(.text(499, "the client stopped reading the answer"))
                }
                switch (problem, result) {
                case (.tooManySamples?, _):
                    return fail(tooManySamples(cap ?? 0, .streamedXORChunks))
                case (.unorderedColumn?, _) where !refreshed && !framed:
                    refreshed = true
                    outcome.series -= reader.seriesCount
                    outcome.samples = samplesBefore
                    guard case .success(let value) = describeAgain(context, into: sink, fail) else { return }
                    columns = value
                    continue
                case (let problem?, _):
                    return fail(.text(502, "\(problem)"))
                case (nil, .failure(let error)):
                    // The description was out of date (the table was recreated): describe again, once per request.
                    if Self.missingColumn(error) != nil && !refreshed && !framed {
                        refreshed = true
                        guard case .success(let value) = describeAgain(context, into: sink, fail) else { return }
                        columns = value
                        continue
                    }
                    return fail(refusal(error, context))
                case (nil, .success):
                    do {
                        if let frame = framer.end() { try emit(frame) }
                    } catch {
                        return sink.abort(.text(499, "the client stopped reading the answer"))
                    }
                }
                break
            }
        }
        if !started {
            try? sink.start(ServiceResponse(statusCode: 200, headers: ReadAnswer.streamedXORChunks.headers))
        }
    }

    /// Whether every query's statement, ordered series after series, is within Timestream's query length. The
    /// `ORDER BY` grows with the square of the table's dimensions (`ReadSQL.seriesOrder`): 128 dimensions with
    /// 30-byte names come to ≈ 296 KB. A query that cannot be translated counts as fitting (`stream` answers it).
    func orderedStatementsFit(_ queries: [Query], columns: TableColumns, _ context: Context) -> Bool {
        queries.allSatisfy { query in
            let sql = try? ReadSQL.statement(
                for: query, database: config.database, table: config.table, absentLabels: columns.absentLabels(query),
                regexDialect: context.regexDialect, orderedBy: columns.dimensions)
            return (sql?.utf8.count ?? 0) <= ReadSQL.maxStatementBytes
        }
    }

    /// A fresh description (the cached one missed a column), or nil after `fail` has answered.
    private func describeAgain(_ context: Context, into sink: ResponseSink, _ fail: (Refusal) -> Void)
        -> Result<TableColumns, Refusal>
    {
        let result = describeAgain(context)
        if case .failure(let refusal) = result { fail(refusal) }
        return result
    }
}
