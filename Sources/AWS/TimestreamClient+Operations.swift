import TimestreamCodec
import CurlHTTP
import TextCodecs

extension TimestreamClient {
    /// Sends every request as its own `WriteRecords` call, all in parallel (at most `maxConcurrent` in flight)
    /// through one `transport.sendAll` per round, each retried independently. Results are in request order.
    /// A request with no records or more than `WriteRecordsBody.maxRecords` fails without being sent; a 2xx whose
    /// body is not Timestream's `RecordsIngested` fails `InvalidResponse` (transient).
    /// https://docs.aws.amazon.com/timestream/latest/developerguide/API_WriteRecords.html
    /// - Parameter maxAttempts: per call; the Go connector's `max_write_retries` default is 10.
    package func writeRecords(
        _ calls: [WriteRecordsBody], credentials: Credentials, deadline: Deadline, maxAttempts: Int = 10,
        maxConcurrent: Int = 16, tally: CallTally? = nil
    ) -> [Result<Void, TimestreamError>] {
        var outcomes = [Result<Void, TimestreamError>?](repeating: nil, count: calls.count)
        var sendable: [Int] = []
        for (index, call) in calls.enumerated() {
            if call.recordCount < 1 || call.recordCount > WriteRecordsBody.maxRecords {
                outcomes[index] = .failure(
                    TimestreamError(
                        code: "ValidationException",
                        message: "WriteRecords takes 1...\(WriteRecordsBody.maxRecords) records, "
                            + "got \(call.recordCount) (not sent)",
                        isRetryable: false))
            } else {
                sendable.append(index)
            }
        }
        let results = performAll(
            .write, operation: "WriteRecords", bodies: sendable.map { calls[$0].json },
            credentials: credentials, deadline: deadline, maxAttempts: maxAttempts,
            maxConcurrent: max(1, maxConcurrent), tally: tally)
        for (index, result) in zip(sendable, results) {
            // A 2xx that is not Timestream's answer stores nothing: transient, so Prometheus keeps the data.
            outcomes[index] = result.flatMap { body in
                WriteRecordsResponse.isIngested(body)
                    ? .success(()) : .failure(invalidResponse("WriteRecords", HTTPResponse(status: 200, body: body)))
            }
        }
        return outcomes.map { $0! }
    }

    /// Runs `sql` and hands every page to `onPage`, following `NextToken` to the end, including pages that carry
    /// only a `NextToken` and no rows. Each page request is retried on its own. If `onPage` throws, paging stops
    /// with code `Aborted` (its message is the thrown error).
    /// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_Query.html
    /// - Parameters:
    ///   - maxAttempts: per page; the Go connector's `max_read_retries` default is 3.
    ///   - maxRows: `MaxRows` per page (Timestream allows 1...1000), `nil` to let Timestream choose.
    package func query(
        _ sql: String, credentials: Credentials, deadline: Deadline, maxAttempts: Int = 3, maxRows: Int? = nil,
        tally: CallTally? = nil, onPage: (QueryPage) throws -> Void
    ) -> Result<Void, TimestreamError> {
        var nextToken: String?
        /// The query's id once a page named it: what `CancelQuery` takes when paging stops early.
        var queryID: String?
        repeat {
            var json = JSONWriter(reservingCapacity: sql.utf8.count + 64)
            json.raw(#"{"QueryString":"#)
            json.string(sql)
            if let maxRows {
                json.raw(#","MaxRows":"#)
                json.integer(maxRows)
            }
            if let nextToken {
                json.raw(#","NextToken":"#)
                json.string(nextToken)
            }
            json.raw("}")
            let result = performAll(
                .query, operation: "Query", bodies: [json.bytes], credentials: credentials, deadline: deadline,
                maxAttempts: maxAttempts, maxConcurrent: 1, tally: tally)[0]
            let body: [UInt8]
            switch result {
            case .failure(let error):
                // A later page failed (throttled, timed out, the deadline): the query may still be running.
                if let queryID { cancelQuery(queryID, credentials: credentials, deadline: deadline, tally: tally) }
                return .failure(error)
            case .success(let value): body = value
            }
            guard let response = QueryResponse.decode(body) else {
                return .failure(invalidResponse("Query", HTTPResponse(status: 200, body: body)))
            }
            queryID = response.queryID ?? queryID
            do {
                try onPage(response.page)
            } catch {
                // Pages were left unread: the query may still be running (and scanning) on Timestream's side.
                if response.nextToken != nil, let queryID {
                    cancelQuery(queryID, credentials: credentials, deadline: deadline, tally: tally)
                }
                return .failure(
                    TimestreamError(code: "Aborted", message: String(describing: error), isRetryable: false))
            }
            nextToken = response.nextToken
        } while nextToken != nil
        return .success(())
    }

    /// Asks Timestream to stop a query whose remaining pages nobody will read (a read past its sample cap, a
    /// client gone, a page that failed, the request's deadline): best effort, one attempt, its outcome ignored —
    /// "Cancellation is provided only if the query has not completed running", and a caller whose IAM policy
    /// lacks `timestream:CancelQuery` is refused it, which changes nothing. The attempt gets what is left of
    /// `deadline`, at most `cancelTimeoutMilliseconds`, and at least `cancelFloorMilliseconds` past it: a read
    /// stopped by its deadline is the one most likely still scanning, and the floor stays inside the Lambda front
    /// door's 500 ms reserve before the invocation's own deadline.
    /// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_CancelQuery.html
    func cancelQuery(_ queryID: String, credentials: Credentials, deadline: Deadline, tally: CallTally?) {
        var json = JSONWriter(reservingCapacity: queryID.utf8.count + 16)
        json.raw(#"{"QueryId":"#)
        json.string(queryID)
        json.raw("}")
        let now = clock.nowMilliseconds()
        let bounded = Deadline(
            epochMilliseconds: max(
                min(deadline.epochMilliseconds, now + Self.cancelTimeoutMilliseconds), now + Self.cancelFloorMilliseconds))
        _ = performAll(
            .query, operation: "CancelQuery", bodies: [json.bytes], credentials: credentials, deadline: bounded,
            maxAttempts: 1, maxConcurrent: 1, tally: tally)
    }

    static let cancelTimeoutMilliseconds: Int64 = 2_000
    static let cancelFloorMilliseconds: Int64 = 250
}
