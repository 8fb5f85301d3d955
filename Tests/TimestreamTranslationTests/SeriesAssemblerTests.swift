@testable import TimestreamCodec
@testable import TimestreamTranslation
@testable import RemoteStorage
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

    /// A name-only series comes back with `__name__` alone: its placeholder column is no label.
    @Test func theNameOnlyPlaceholderIsNoLabel() throws {
        var assembler = SeriesAssembler()
        let withPlaceholder = [ColumnInfo(name: "__name_only__", scalarType: "VARCHAR")] + columns
        try assembler.add(QueryPage(columns: withPlaceholder, rows: [
            [.scalar("true")] + row(nil, nil, "job:up:sum", "1970-01-01 00:00:01.000000000", "3.0"),
            [.null] + row("node", nil, "up", "1970-01-01 00:00:01.000000000", "1.0"),
            [.scalar("true")] + row(nil, nil, "job:up:sum", "1970-01-01 00:00:02.000000000", "4.0"),
        ]))
        let series = assembler.finish()
        #expect(series.map(\.labels) == [
            [Label(name: "__name__", value: "job:up:sum")],
            [Label(name: "__name__", value: "up"), Label(name: "job", value: "node")],
        ])
        #expect(series[0].samples == [Sample(value: 3, timestamp: 1000), Sample(value: 4, timestamp: 2000)])
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

    /// Label values whose bytes run together the same way are still different series; empty and NULL are both
    /// "no label".
    @Test func keysAreUnambiguous() throws {
        var assembler = SeriesAssembler()
        try assembler.add(QueryPage(columns: columns, rows: [
            row("ab", nil, "m", "1970-01-01 00:00:01.000000000", "1.0"),
            row("a", "b", "m", "1970-01-01 00:00:01.000000000", "2.0"),
            row("", "ab", "m", "1970-01-01 00:00:01.000000000", "3.0"),
            row(nil, "ab", "m", "1970-01-01 00:00:02.000000000", "4.0"),
            row("ab", nil, "m", "1970-01-01 00:00:02.000000000", "5.0"),
        ]))
        let series = assembler.finish()
        #expect(series.map { $0.labels.map(\.value) } == [["m", "ab"], ["m", "b", "a"], ["m", "ab"]])
        #expect(series.map { $0.labels.map(\.name) } == [["__name__", "instance"], ["__name__", "instance", "job"], ["__name__", "job"]])
        #expect(series.map { $0.samples.map(\.value) } == [[3, 4], [2], [1, 5]])
    }

    /// A page read from a Query body (cells in place, escaped ones copied) assembles exactly like the same rows
    /// given as values.
    @Test func decodedPagesAssembleLikeValuePages() throws {
        let body = #"{"ColumnInfo":[{"Name":"job","Type":{"ScalarType":"VARCHAR"}},"#
            + #"{"Name":"measure_name","Type":{"ScalarType":"VARCHAR"}},{"Name":"time","Type":{"ScalarType":"TIMESTAMP"}},"#
            + #"{"Name":"measure_value::double","Type":{"ScalarType":"DOUBLE"}}],"Rows":["#
            + #"{"Data":[{"ScalarValue":"n\u00e9"},{"ScalarValue":"up"},{"ScalarValue":"1970-01-01 00:00:02.000000000"},{"ScalarValue":"1.5"}]},"#
            + #"{"Data": [{"ScalarValue": "né"}, {"ScalarValue": "up"}, {"ScalarValue": "1970-01-01 00:00:01.000000000"}, {"ScalarValue": "1e-9"}]},"#
            + #"{"Data":[{"NullValue":true},{"ScalarValue":"up"},{"ScalarValue":"1970-01-01 00:00:03.5"},{"ScalarValue":"-0.0"}]},"#
            + #"{"Data":[{"ScalarValue":"x\"y"},{"ScalarValue":"up"},{"ScalarValue":"1970-01-01 00:00:04"},{"ScalarValue":"1.7976931348623157e308"}]}]}"#
        let decoded = try #require(QueryResponse.decode(Array(body.utf8))).page
        var fromBody = SeriesAssembler()
        try fromBody.add(decoded)
        var fromValues = SeriesAssembler()
        try fromValues.add(QueryPage(columns: decoded.columns, rows: decoded.rows))
        let series = fromBody.finish()
        #expect(series == fromValues.finish())
        #expect(series.count == 3)
        #expect(series.first { $0.labels.last?.value == "né" }?.samples == [Sample(value: 1e-9, timestamp: 1000), Sample(value: 1.5, timestamp: 2000)])
        #expect(series.first { $0.labels.count == 1 }?.samples.first?.value.bitPattern == (-0.0 as Double).bitPattern)
        #expect(series.first { $0.labels.last?.value == "x\"y" }?.samples == [Sample(value: .greatestFiniteMagnitude, timestamp: 4000)])
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
        ("2024-08-30 23:07:54.5", 1_725_059_274_500), ("2024-08-30 23:07:54.12", 1_725_059_274_120),
        ("2024-08-30 23:07:54.1239999999999999999999999999", 1_725_059_274_123),
    ])
    func timestreamTimes(text: String, ms: Int64) {
        #expect(TimestreamTime.milliseconds(text) == ms)
    }

    @Test(arguments: [
        "2024-13-01 00:00:00", "2024-08-30T23:07:54", "2024-08-30 23:07:54.", "2024-08-30 23:07:54.12a", "",
        "2024-08-30 23:07", "2024-08-30 23:07:5x", "2024-08-30 23:07:54 ", "2024-08-30 23:07:54.1234567890123456789x",
        "2026-02-30 00:00:00", "2025-02-29 00:00:00", "2024-04-31 00:00:00",  // no such day
    ])
    func badTimes(text: String) {
        #expect(TimestreamTime.milliseconds(text) == nil)
    }
}
