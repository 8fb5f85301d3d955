import Foundation
@testable import RemoteStorage
import TestSupport
@testable import TimestreamCodec
@testable import TimestreamTranslation
import Testing

/// `ReadSQL.seriesOrder` against two oracles on random label sets with absent labels: SQLite running the ORDER BY
/// (the SQL stand-in's engine; its BINARY collation is memcmp, as Timestream's VARCHAR order is UTF-8 bytes) and
/// Python sorting the label sets as Prometheus' labels.Compare; `LabelSetOrder` must agree with both.
@Suite struct SeriesOrderTests {
    /// Names around `__name__` in byte order: upper case and `_…` before it, lower case after, multi-byte last.
    /// (No two differ only in case: SQLite's column names are case-insensitive.)
    static let names = ["B", "Zone", "_a", "__a", "__name_", "__namf", "a", "ab", "a_b", "instance", "job", "z", "é"]
    static let values = ["a", "b", "A", "Z", "ab", "a b", "_", "é", "e\u{301}", "\u{10000}", "0", "10", "9"]

    struct Row: Codable {
        var measure_name: String
        var time: Int
        var labels: [String: String]
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64]) func sqliteAndPrometheusAgree(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)  // deterministic: a failure repeats
        let dimensions = Array(Self.names.shuffled(using: &rng).prefix(Int.random(in: 1...Self.names.count, using: &rng)))
        var rows: [Row] = []
        for _ in 0..<300 {
            var labels: [String: String] = [:]
            // Sparse sets: each label present with probability 1/3, so prefixes and gaps are common.
            for name in dimensions where Int.random(in: 0..<3, using: &rng) == 0 {
                labels[name] = Self.values.randomElement(using: &rng)!
            }
            rows.append(Row(measure_name: ["up", "Up", "_x", "up_"].randomElement(using: &rng)!, time: Int.random(in: 0..<4, using: &rng) * 1000 + rows.count, labels: labels))
        }
        rows.shuffle(using: &rng)
        let orderBy = ReadSQL.seriesOrder(dimensions: dimensions)
        struct Spec: Codable { var dimensions: [String]; var order_by: String; var rows: [Row] }
        struct Orders: Codable { var sqlite: [Int]; var prometheus: [Int] }
        let output = try Oracle.run(
            "series_order.py", input: Array(try JSONEncoder().encode(Spec(dimensions: dimensions, order_by: orderBy, rows: rows))))
        let orders = try JSONDecoder().decode(Orders.self, from: Data(output))
        #expect(orders.sqlite == orders.prometheus, "ORDER BY: \(orderBy)")
        // LabelSetOrder: the series in SQLite's order never go backwards.
        func labelSet(_ row: Row) -> [Label] {
            ([Label(name: "__name__", value: row.measure_name)] + row.labels.map { Label(name: $0.key, value: $0.value) })
                .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        }
        for (a, b) in zip(orders.sqlite, orders.sqlite.dropFirst()) {
            #expect(!LabelSetOrder.precedes(labelSet(rows[b]), labelSet(rows[a])))
        }
    }

    @Test func theNamePlaceholderAndNeverWrittenNamesAreNoOrderColumns() {
        let order = ReadSQL.seriesOrder(dimensions: ["job", TimestreamLimits.nameOnlyLabel, "a:b"])
        #expect(order == #"ORDER BY measure_name, CASE WHEN "job" IS NULL THEN 0 ELSE 1 END, "job", time"#)
    }

    /// The order covers exactly the columns `PageLayout` reads labels from: VARCHAR ones, multi-measure VARCHAR
    /// attributes included, never `measure_name`, `time` or a measure value.
    @Test func theOrderColumnsAreTheVarcharColumns() {
        let rows: [[String]] = [
            ["job", "varchar", "DIMENSION"], ["measure_name", "varchar", "MEASURE_NAME"], ["time", "timestamp", "TIMESTAMP"],
            ["measure_value::double", "double", "MEASURE_VALUE"], ["measure_value::varchar", "varchar", "MEASURE_VALUE"],
            ["status", "varchar", "MULTI"], ["cpu", "double", "MULTI"],
        ]
        let page = QueryPage(
            columns: ["Column", "Type", "Timestream attribute type"].map { ColumnInfo(name: $0, scalarType: "VARCHAR") },
            rows: rows.map { $0.map(Datum.scalar) })
        #expect(TableColumns(describing: [page]).dimensions == ["job", "status"])
    }
}
