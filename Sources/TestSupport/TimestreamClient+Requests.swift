@testable import AWS
@testable import TimestreamCodec

extension TimestreamClient {
    /// `writeRecords` for request values (encoded with `WriteRecordsRequest.jsonBody()`).
    public func writeRecords(
        _ requests: [WriteRecordsRequest], credentials: Credentials, deadline: Deadline, maxAttempts: Int = 10,
        maxConcurrent: Int = 16, tally: CallTally? = nil
    ) -> [Result<Void, TimestreamError>] {
        writeRecords(
            requests.map { $0.encoded() }, credentials: credentials, deadline: deadline, maxAttempts: maxAttempts,
            maxConcurrent: maxConcurrent, tally: tally)
    }
}
