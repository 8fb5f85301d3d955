import TimestreamCodec
import AWS

/// The Timestream calls the connector makes; `TimestreamClient` provides them, tests may script them.
public protocol TimestreamWriting: AnyObject, Sendable {
    /// Sends every call (in parallel, at most `maxConcurrent` at once) and returns each outcome in order.
    func writeRecords(
        _ calls: [WriteRecordsBody], credentials: Credentials, deadline: Deadline, maxAttempts: Int,
        maxConcurrent: Int, tally: CallTally?
    ) -> [Result<Void, TimestreamError>]
}

extension TimestreamClient: TimestreamWriting {}

public protocol TimestreamQuerying: AnyObject, Sendable {
    /// Runs `sql`, following `NextToken` to the end; `onPage` sees every page (also empty ones) and may throw
    /// to stop early.
    func query(
        _ sql: String, credentials: Credentials, deadline: Deadline, maxAttempts: Int, maxRows: Int?,
        tally: CallTally?, onPage: (QueryPage) throws -> Void
    ) -> Result<Void, TimestreamError>
}

extension TimestreamClient: TimestreamQuerying {}

/// Everything the connector needs from Timestream.
public typealias TimestreamService = TimestreamWriting & TimestreamQuerying
