import AWS
@testable import Connector
import RemoteStorage
import Testing

@Suite struct SeriesAssemblerTests {
    let columns = [
        ColumnInfo(name: "job", scalarType: "VARCHAR"), ColumnInfo(name: "instance", scalarType: "VARCHAR"),
        ColumnInfo(name: "measure_name", scalarType: "VARCHAR"), ColumnInfo(name: "time", scalarType: "TIMESTAMP"),
        ColumnInfo(name: "measure_value::double", scalarType: "DOUBLE"),
        ColumnInfo(name: "measure_value::bigint", scalarType: "BIGINT"), ColumnInfo(name: "cpu", scalarType: "DOUBLE"),
    ]

    func row(_ job: String?, _ instance: String?, _ name: String, _ time: String, _ value: String) -> [Datum] {
        [job.map(Datum.scalar) ?? .null, instance.map(Datum.scalar) ?? .null, .scalar(name), .scalar(time), .scalar(value), .null, .null]
    }

    @Test func groupsAcrossPagesSortsLabelsAndSamples() throws {
        var assembler = SeriesAssembler()
        try assembler.add(QueryPage(columns: [], rows: []))  // Timestream's empty first pages
        try assembler.add(QueryPage(columns: columns, rows: [
            row("node", "a", "up", "1970-01-01 00:00:02.000000000", "1.0"),
            row("node", nil, "up", "1970-01-01 00:00:01.500000000", "2.0"),
        ]))
        try assembler.add(QueryPage(columns: columns, rows: [
            row("node", "a", "up", "1970-01-01 00:00:01.000000000", "0.5"),
            row("node", "a", "up", "1970-01-01 00:00:03.001000000", "1.0E-9"),
        ]))
        let series = assembler.finish()
        #expect(series.count == 2)
        #expect(assembler.sampleCount == 4)
        // Sorted label sets; `__name__` sorts among the labels by byte order.
        #expect(series[0].labels == [Label(name: "__name__", value: "up"), Label(name: "instance", value: "a"), Label(name: "job", value: "node")])
        #expect(series[0].samples == [Sample(value: 0.5, timestamp: 1000), Sample(value: 1, timestamp: 2000), Sample(value: 1e-9, timestamp: 3001)])
        #expect(series[1].labels == [Label(name: "__name__", value: "up"), Label(name: "job", value: "node")])
        #expect(series[1].samples == [Sample(value: 2, timestamp: 1500)])
    }

    /// "é" as one scalar and as "e" + U+0301 are equal Swift Strings but different Prometheus label values.
    @Test func labelValuesAreComparedByteForByte() throws {
        var assembler = SeriesAssembler()
        try assembler.add(QueryPage(columns: columns, rows: [
            row("\u{E9}", nil, "m", "1970-01-01 00:00:01.000000000", "1.0"),
            row("e\u{301}", nil, "m", "1970-01-01 00:00:01.000000000", "2.0"),
        ]))
        let series = assembler.finish()
        #expect(series.count == 2)
        #expect(Set(series.map { Array($0.labels[1].value.utf8) }) == [Array("\u{E9}".utf8), Array("e\u{301}".utf8)])
    }

    @Test func rowsWithoutADoubleAreIgnoredAndBadCellsAreProblems() {
        var assembler = SeriesAssembler()
        #expect(throws: SeriesAssembler.Problem.badTime("yesterday")) {
            try assembler.add(QueryPage(columns: columns, rows: [row("j", nil, "m", "yesterday", "1")]))
        }
        #expect(throws: SeriesAssembler.Problem.missingColumn("measure_value::double")) {
            try assembler.add(QueryPage(columns: [ColumnInfo(name: "time", scalarType: "TIMESTAMP")], rows: [[.scalar("x")]]))
        }
    }

    @Test(arguments: [
        ("1970-01-01 00:00:00.000000000", Int64(0)), ("2024-08-30 23:07:54.123456789", 1_725_059_274_123),
        ("1969-12-31 23:59:59.999000000", -1), ("2000-02-29 12:00:00", 951_825_600_000),
        ("2024-08-30 23:07:54.5", 1_725_059_274_500),
    ])
    func timestreamTimes(text: String, ms: Int64) {
        #expect(TimestreamTime.milliseconds(text) == ms)
    }

    @Test(arguments: ["2024-13-01 00:00:00", "2024-08-30T23:07:54", "2024-08-30 23:07:54.", "2024-08-30 23:07:54.12a"])
    func badTimes(text: String) {
        #expect(TimestreamTime.milliseconds(text) == nil)
    }
}
