/// A result column: its name and, for scalar columns, its type (`VARCHAR`, `DOUBLE`, `TIMESTAMP`, …).
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_ColumnInfo.html
package struct ColumnInfo: Equatable, Sendable {
    package var name: String
    package var scalarType: String?

    init(name: String, scalarType: String?) {
        self.name = name
        self.scalarType = scalarType
    }
}

/// One cell. The connector's SQL only selects scalars; arrays, rows and time series come back as `unsupported`.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_Datum.html
enum Datum: Equatable, Sendable {
    case scalar(String)
    case null
    case unsupported
}

/// One page of a Query result. A page may have no rows (Timestream returns such pages while it works).
///
/// The rows are held as `QueryCells` (the cells' text left in the response body) and read in place with
/// `forEachRow`; `rows` builds the `[[Datum]]` value form on demand (tests, small pages).
public struct QueryPage: Equatable, Sendable {
    package var columns: [ColumnInfo]
    @usableFromInline package var cells: QueryCells

    init(columns: [ColumnInfo], rows: [[Datum]]) {
        self.columns = columns
        self.cells = QueryCells(rows: rows)
    }

    init(columns: [ColumnInfo], cells: QueryCells) {
        self.columns = columns
        self.cells = cells
    }

    /// The rows as values (one `String` per scalar cell).
    var rows: [[Datum]] {
        get { cells.rows }
        set { cells = QueryCells(rows: newValue) }
    }

    /// Calls `body` with each row, in order, read in place (the row is valid only during the call).
    @inlinable public func forEachRow<E: Error>(_ body: (QueryRow) throws(E) -> Void) throws(E) {
        try cells.forEachRow(body)
    }

    public static func == (a: QueryPage, b: QueryPage) -> Bool {
        a.columns == b.columns && a.cells.rows == b.cells.rows
    }
}
