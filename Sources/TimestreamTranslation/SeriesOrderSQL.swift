/// The `ORDER BY` that makes Timestream return a read's rows series after series in `LabelSetOrder`, and each
/// series' rows by time, so a STREAMED_XOR_CHUNKS answer can be framed while the pages arrive.
///
/// A row's label set is its non-NULL label columns (Timestream has no empty dimension values; NULL is "no such
/// label"), `measure_name` being `__name__`, sorted by name. Walking the columns in name order (byte-wise, so
/// `__name__` sorts after upper-case names and before lower-case ones), two label sets first differ at some column;
/// there `labels.Compare` orders them by
/// - both present: the values, byte-wise;
/// - one present, one absent: the absent one's next label has a greater name, so it sorts AFTER, unless it has no
///   label left (a prefix of the other), which sorts BEFORE.
/// So each column contributes a rank, 0 = absent with no later label, 1 = present, 2 = absent with a later label,
/// then its value; comparing these keys column by column is `labels.Compare`. A column before `__name__` (never
/// NULL) has a later label whenever it is absent; the last column never has.
///
/// Value order: Timestream (Trino) compares VARCHAR by UTF-8 bytes, i.e. code points, as Go compares strings; the
/// SQLite stand-in's BINARY collation is `memcmp`, the same. NULLs never meet a value in one rank, so NULLS
/// FIRST/LAST (SQLite and Trino differ) cannot change the order. The statement grows with the square of the
/// number of label columns after `__name__` (each names the ones after it): ~145 KB for 128 dimensions of 12-byte
/// names, ~296 KB for 30-byte ones, past Timestream's 262 144 (`ReadSQL.maxStatementBytes`; the read handler then
/// reads without it).
extension ReadSQL {
    /// `ORDER BY …` for a table whose label columns are `dimensions` (plus `measure_name`); names never written as
    /// dimensions (`TimestreamLimits.isNeverWritten`, the name-only placeholder among them) are left out.
    package static func seriesOrder(dimensions: some Sequence<String>) -> String {
        var columns: [(label: String, sql: String)] = [("__name__", "measure_name")]
        for name in dimensions where name != "__name__" && !TimestreamLimits.isNeverWritten(labelName: name) {
            columns.append((name, quotedIdentifier(name)))
        }
        columns.sort { $0.label.utf8.lexicographicallyPrecedes($1.label.utf8) }
        let nameIndex = columns.firstIndex { $0.label == "__name__" }!
        var keys: [String] = []
        for (index, column) in columns.enumerated() {
            if index == nameIndex {
                keys.append(column.sql)
                continue
            }
            let absent: String
            if index < nameIndex {
                absent = "2"
            } else if index == columns.count - 1 {
                absent = "0"
            } else {
                let later = columns[(index + 1)...].map(\.sql)
                let laterPresent = later.count == 1 ? "\(later[0]) IS NOT NULL" : "coalesce(\(later.joined(separator: ", "))) IS NOT NULL"
                absent = "CASE WHEN \(laterPresent) THEN 2 ELSE 0 END"
            }
            keys.append("CASE WHEN \(column.sql) IS NULL THEN \(absent) ELSE 1 END")
            keys.append(column.sql)
        }
        keys.append("time")
        return "ORDER BY " + keys.joined(separator: ", ")
    }
}
