import TimestreamCodec
import AWS

/// The Timestream calls the connector makes; `TimestreamClient` provides them, tests may script them.
public protocol TimestreamWriting: AnyObject, Sendable {
    /// Sends every call (in parallel, at most `maxConcurrent` at once) and returns each outcome in order.
    func writeRecords(
        _ calls: [WriteRecordsBody], credentials: Credentials, deadline: Deadline, maxAttempts: Int,
        maxConcurrent: Int
    ) -> [Result<Void, TimestreamError>]
}

extension TimestreamClient: TimestreamWriting {}

public protocol TimestreamQuerying: AnyObject, Sendable {
    /// Runs `sql`, following `NextToken` to the end; `onPage` sees every page (also empty ones) and may throw
    /// to stop early.
    func query(
        _ sql: String, credentials: Credentials, deadline: Deadline, maxAttempts: Int, maxRows: Int?,
        onPage: (QueryPage) throws -> Void
    ) -> Result<Void, TimestreamError>
}

extension TimestreamClient: TimestreamQuerying {}

/// Counters of the calls a client made, so an invocation can report its calls and retries.
public protocol TimestreamCallCounting: AnyObject, Sendable {
    /// Operation calls sent so far (retries included).
    var callsSent: Int { get }
    /// Of those, retries.
    var retriesSent: Int { get }
}

extension TimestreamClient: TimestreamCallCounting {}

/// Everything the connector needs from Timestream.
public typealias TimestreamService = TimestreamWriting & TimestreamQuerying & TimestreamCallCounting
