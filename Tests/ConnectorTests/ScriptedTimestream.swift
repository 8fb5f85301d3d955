import AWS
import Connector
import TimestreamCodec

/// A Timestream the service talks to in process: writes answer from a script (in call order, then success), queries
/// answer with a handler of the SQL (pages or an error). It records every call so tests can count them.
/// `@unchecked Sendable`: the protocol asks for it, and each test uses its fake from one thread only.
final class ScriptedTimestream: TimestreamService, @unchecked Sendable {
    /// Basic auth for key `AKIDEXAMPLE` / secret `secret`, as Prometheus sends it.
    static let basicAuth: [(name: String, value: String)] = [("Authorization", "Basic QUtJREVYQU1QTEU6c2VjcmV0")]

    var writeResults: [Result<Void, TimestreamError>]
    var answer: (String) -> Result<[QueryPage], TimestreamError>
    private(set) var writes: [WriteRecordsBody] = []
    private(set) var statements: [String] = []
    private(set) var callsSent = 0
    private(set) var retriesSent = 0

    init(
        writeResults: [Result<Void, TimestreamError>] = [],
        answer: @escaping (String) -> Result<[QueryPage], TimestreamError> = { _ in .success([]) }
    ) {
        self.writeResults = writeResults
        self.answer = answer
    }

    /// The same pages for any statement.
    convenience init(pages: [QueryPage]) { self.init(answer: { _ in .success(pages) }) }

    func writeRecords(
        _ calls: [WriteRecordsBody], credentials: Credentials, deadline: Deadline, maxAttempts: Int,
        maxConcurrent: Int
    ) -> [Result<Void, TimestreamError>] {
        calls.map { call in
            writes.append(call)
            callsSent += 1
            return writeResults.isEmpty ? .success(()) : writeResults.removeFirst()
        }
    }

    func query(
        _ sql: String, credentials: Credentials, deadline: Deadline, maxAttempts: Int, maxRows: Int?,
        onPage: (QueryPage) throws -> Void
    ) -> Result<Void, TimestreamError> {
        statements.append(sql)
        callsSent += 1
        switch answer(sql) {
        case .failure(let error): return .failure(error)
        case .success(let pages):
            for page in pages {
                do { try onPage(page) } catch {
                    return .failure(TimestreamError(code: "Aborted", message: "\(error)", isRetryable: false))
                }
            }
            return .success(())
        }
    }
}
