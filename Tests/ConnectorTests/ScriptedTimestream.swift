@testable import AWS
@testable import Connector
@testable import TimestreamCodec

/// A Timestream the service talks to in process: writes answer from a script (in call order, then success);
/// `DESCRIBE` answers as Timestream does from `tableColumns` (one row per column: `Column`, `Type`,
/// `Timestream attribute type`); other statements answer with a handler of the SQL (pages or an error). It records
/// every call so tests can count them. `@unchecked Sendable`: the protocol asks for it, and each test uses its
/// fake from one thread only.
final class ScriptedTimestream: TimestreamService, @unchecked Sendable {
    /// Basic auth for key `AKIDEXAMPLE` / secret `secret`, as Prometheus sends it.
    static let basicAuth: [(name: String, value: String)] = [("Authorization", "Basic QUtJREVYQU1QTEU6c2VjcmV0")]

    var writeResults: [Result<Void, TimestreamError>]
    /// Once `writeResults` is used up: each call's outcome from its body (nil: success).
    var writeRule: ((WriteRecordsBody) -> Result<Void, TimestreamError>)? = nil
    var answer: (String) -> Result<[QueryPage], TimestreamError>
    /// The table's columns, as `DESCRIBE` lists them.
    var tableColumns: [ColumnInfo]
    /// When set, `DESCRIBE` fails with it.
    var describeError: TimestreamError? = nil
    /// When set, a query signed with another access key fails as Timestream refuses an unknown key.
    var acceptedAccessKeys: Set<String>? = nil
    /// Called with each SELECT page's index before the page is handed over (what a test checks between pages).
    var beforePage: ((Int) -> Void)? = nil
    /// A SELECT fails with this error instead of delivering the page at this index (a later page's call failing).
    var failAtPage: (index: Int, error: TimestreamError)? = nil
    private(set) var writes: [WriteRecordsBody] = []
    /// The deadline of each `writeRecords` call.
    private(set) var writeDeadlines: [Deadline] = []
    private(set) var statements: [String] = []
    private(set) var callsSent = 0
    private(set) var retriesSent = 0

    /// The columns of a table holding DOUBLE measures with the given dimensions.
    static func columns(dimensions: [String]) -> [ColumnInfo] {
        dimensions.map { ColumnInfo(name: $0, scalarType: "VARCHAR") } + [
            ColumnInfo(name: "measure_name", scalarType: "VARCHAR"), ColumnInfo(name: "time", scalarType: "TIMESTAMP"),
            ColumnInfo(name: "measure_value::double", scalarType: "DOUBLE"),
        ]
    }

    init(
        writeResults: [Result<Void, TimestreamError>] = [], tableColumns: [ColumnInfo] = columns(dimensions: []),
        answer: @escaping (String) -> Result<[QueryPage], TimestreamError> = { _ in .success([]) }
    ) {
        self.writeResults = writeResults
        self.tableColumns = tableColumns
        self.answer = answer
    }

    /// The same pages for any SELECT; the table has the pages' columns.
    convenience init(pages: [QueryPage]) {
        var columns: [ColumnInfo] = []
        for column in pages.flatMap(\.columns) where !columns.contains(column) { columns.append(column) }
        self.init(tableColumns: columns, answer: { _ in .success(pages) })
    }

    /// The SELECT statements run (DESCRIBE excluded).
    var selects: [String] { statements.filter { $0.hasPrefix("SELECT") } }
    var describes: Int { statements.filter { $0.hasPrefix("DESCRIBE") }.count }

    func writeRecords(
        _ calls: [WriteRecordsBody], credentials: Credentials, deadline: Deadline, maxAttempts: Int,
        maxConcurrent: Int, tally: CallTally?
    ) -> [Result<Void, TimestreamError>] {
        writeDeadlines.append(deadline)
        return calls.map { call in
            writes.append(call)
            callsSent += 1
            tally?.record(calls: 1, retries: 0)
            // Timestream's own rule for every call, whatever the script says: 1 to 100 records.
            guard (1...100).contains(call.recordCount) else {
                return .failure(.classified(
                    code: "ValidationException", message: "a call holds 1 to 100 records, not \(call.recordCount)", httpStatus: 400))
            }
            if !writeResults.isEmpty { return writeResults.removeFirst() }
            return writeRule?(call) ?? .success(())
        }
    }

    func query(
        _ sql: String, credentials: Credentials, deadline: Deadline, maxAttempts: Int, maxRows: Int?,
        tally: CallTally?, onPage: (QueryPage) throws -> Void
    ) -> Result<Void, TimestreamError> {
        statements.append(sql)
        callsSent += 1
        tally?.record(calls: 1, retries: 0)
        let answered: Result<[QueryPage], TimestreamError>
        if let acceptedAccessKeys, !acceptedAccessKeys.contains(credentials.accessKeyID) {
            answered = .failure(.classified(
                code: "UnrecognizedClientException", message: "The security token included in the request is invalid.",
                httpStatus: 403))
        } else if sql.hasPrefix("DESCRIBE ") {
            answered = describeError.map { .failure($0) } ?? .success([describePage])
        } else {
            answered = answer(sql)
        }
        switch answered {
        case .failure(let error): return .failure(error)
        case .success(let pages):
            for (index, page) in pages.enumerated() {
                if !sql.hasPrefix("DESCRIBE ") {
                    beforePage?(index)
                    if let failAtPage, failAtPage.index == index { return .failure(failAtPage.error) }
                }
                do { try onPage(page) } catch {
                    return .failure(TimestreamError(code: "Aborted", message: "\(error)", isRetryable: false))
                }
            }
            return .success(())
        }
    }

    /// `DESCRIBE "db"."table"` as Timestream answers it.
    var describePage: QueryPage {
        let attribute = ["measure_name": "MEASURE_NAME", "time": "TIMESTAMP"]
        return QueryPage(
            columns: [
                ColumnInfo(name: "Column", scalarType: "VARCHAR"), ColumnInfo(name: "Type", scalarType: "VARCHAR"),
                ColumnInfo(name: "Timestream attribute type", scalarType: "VARCHAR"),
            ],
            rows: tableColumns.map { column in
                [
                    .scalar(column.name), .scalar((column.scalarType ?? "varchar").lowercased()),
                    .scalar(
                        attribute[column.name]
                            ?? (column.name.hasPrefix("measure_value::") ? "MEASURE_VALUE" : "DIMENSION")),
                ]
            })
    }
}
