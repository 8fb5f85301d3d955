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
    /// The columns a read's rows carry labels in, besides `measure_name` (`__name__`): the VARCHAR columns other
    /// than `measure_name` and `measure_value::…` — the dimensions, and any VARCHAR attribute of multi-measure
    /// records, which `PageLayout` reads as labels too.
    package var dimensions: Set<String>

    /// Columns by name only: every name other than `time`, `measure_name` and `measure_value::…` is a dimension.
    package init(_ names: Set<String>) {
        self.names = names
        self.dimensions = names.filter { $0 != "time" && $0 != "measure_name" && !$0.hasPrefix("measure_value::") }
    }

    /// The statement that lists the columns.
    package static func describeStatement(database: String, table: String) -> String {
        "DESCRIBE \(ReadSQL.quotedIdentifier(database)).\(ReadSQL.quotedIdentifier(table))"
    }

    /// The columns named by `DESCRIBE`'s result pages (the `Column` column; the first one when no column has
    /// that name).
    package init(describing pages: [QueryPage]) {
        var names: Set<String> = []
        var dimensions: Set<String> = []
        var typed = false
        for page in pages {
            let index = page.columns.firstIndex { $0.name == "Column" } ?? 0
            let kind = page.columns.firstIndex { $0.name == "Type" }
            if kind != nil { typed = true }
            page.forEachRow { row in
                guard index < row.count, let bytes = row.scalar(index) else { return }
                let name = String(decoding: bytes, as: UTF8.self)
                names.insert(name)
                if let kind, kind < row.count, let type = row.scalar(kind),
                    String(decoding: type, as: UTF8.self).lowercased() == "varchar",
                    name != "measure_name", !name.hasPrefix("measure_value::")
                {
                    dimensions.insert(name)
                }
            }
        }
        self.init(names)
        if typed { self.dimensions = dimensions }
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
