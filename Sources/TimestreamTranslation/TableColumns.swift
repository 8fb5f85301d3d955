import RemoteStorage
import TimestreamCodec

/// The columns of the table, as Timestream's `DESCRIBE "db"."table"` lists them: one row per column with the
/// columns `Column`, `Type` and `Timestream attribute type` (`DIMENSION`, `MEASURE_NAME`, `MEASURE_VALUE`,
/// `TIMESTAMP`, `MULTI`). A label the table has no column for is absent from every row, which `ReadSQL` turns into
/// PromQL's "no such label" without naming the column (Timestream refuses a statement naming an unknown column).
/// https://docs.aws.amazon.com/timestream/latest/developerguide/supported-sql-constructs.DESCRIBE.html
package struct TableColumns: Equatable, Sendable {
    /// Every column name (dimensions, `measure_name`, `time`, `measure_value::<type>`, multi-measure attributes).
    package var names: Set<String>

    init(_ names: Set<String>) { self.names = names }

    /// The statement that lists the columns.
    package static func describeStatement(database: String, table: String) -> String {
        "DESCRIBE \(ReadSQL.quotedIdentifier(database)).\(ReadSQL.quotedIdentifier(table))"
    }

    /// The columns named by `DESCRIBE`'s result pages (the `Column` column; the first one when no column has
    /// that name).
    package init(describing pages: [QueryPage]) {
        var names: Set<String> = []
        for page in pages {
            let index = page.columns.firstIndex { $0.name == "Column" } ?? 0
            page.forEachRow { row in
                guard index < row.count, let name = row.scalar(index) else { return }
                names.insert(String(decoding: name, as: UTF8.self))
            }
        }
        self.names = names
    }

    /// Whether the table holds any DOUBLE measure (a table without one answers every read with nothing).
    package var hasDoubleMeasures: Bool { names.contains("measure_value::double") }

    /// The labels `query`'s matchers name that the table has no column for (`__name__` is `measure_name`).
    package func absentLabels(_ query: Query) -> Set<String> {
        var absent: Set<String> = []
        for matcher in query.matchers where matcher.name != "__name__" && !names.contains(matcher.name) {
            absent.insert(matcher.name)
        }
        return absent
    }
}
