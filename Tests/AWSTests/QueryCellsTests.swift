import AWS
import Testing

/// Query pages read into `QueryCells`: the fast paths for Timestream's spellings and the member-by-member path
/// for anything else give the same cells, and the in-place row view agrees with the value rows.
@Suite struct QueryCellsTests {
    func decode(_ rows: String) throws -> QueryPage {
        let body = #"{"Rows":["# + rows + #"],"ColumnInfo":[{"Name":"c","Type":{"ScalarType":"VARCHAR"}}]}"#
        return try #require(QueryResponse.decode(Array(body.utf8))).page
    }

    @Test func cellShapes() throws {
        let page = try decode(
            #"{"Data":[{"ScalarValue":"a"},{ "ScalarValue" : "b" },{"ScalarValue":"c","Type":"x"},"#
                + #"{"NullValue":true},{"NullValue":false},{"NullValue": true , "X": [1]},{"ScalarValue":null},"#
                + #"{"NullValue":null},{"ScalarValue":"x","NullValue":true},{"NullValue":true,"ScalarValue":"y"},"#
                + #"{"ScalarValue":"a\u00e9\"b"},{"ScalarValue":"z","ScalarValue":"w"},{"ArrayValue":[]},{},"#
                + #"{"ScalarValue":""},{"ScalarValue":"\u00e9","X":{"ScalarValue":"no"}}]}"#)
        #expect(page.rows == [[
            .scalar("a"), .scalar("b"), .scalar("c"), .null, .unsupported, .null, .unsupported, .unsupported,
            .scalar("x"), .scalar("y"), .scalar("aé\"b"), .scalar("w"), .unsupported, .unsupported, .scalar(""),
            .scalar("é"),
        ]])
    }

    @Test func rowShapes() throws {
        let a = #"{"ScalarValue":"a"}"#, b = #"{"NullValue":true}"#
        let page = try decode(
            #"{"Data":[\#(a),\#(b)]}, {"Data":[\#(a)],"X":1}, {"X":[1],"Data":[\#(b)]}, {"Data":[\#(a)],"Data":[\#(b)]}, "#
                + #"{"Data":null}, {}, { "Data" : [ \#(a) , \#(b) ] }"#)
        #expect(page.rows == [[.scalar("a"), .null], [.scalar("a")], [.null], [.scalar("a"), .null], [], [], [.scalar("a"), .null]])
    }

    @Test func malformedCellsMakeThePageUnreadable() {
        for rows in [
            #"{"Data":[{"ScalarValue":1}]}"#, #"{"Data":[{"NullValue":"true"}]}"#, #"{"Data":[{"NullValue":tru}]}"#,
            #"{"Data":[{"ScalarValue":"a"]}"#, #"{"Data":{}}"#, #"{"Data":[{"ScalarValue":"a\q"}]}"#,
        ] {
            let body = #"{"Rows":["# + rows + "]}"
            #expect(QueryResponse.decode(Array(body.utf8)) == nil, "\(rows)")
        }
    }

    /// The row view sees the same cells as the value rows, and a page built from values equals the decoded one.
    @Test func rowViewMatchesValues() throws {
        let page = try decode(
            #"{"Data":[{"ScalarValue":"plain"},{"NullValue":true},{"ScalarValue":"esc\n\u4e2d"},{"ArrayValue":[1]}]},"#
                + #"{"Data":[{"ScalarValue":"é"}]}"#)
        var seen: [[Datum]] = []
        page.forEachRow { (row: QueryRow) in
            seen.append((0..<row.count).map { i in
                row.scalar(i).map { .scalar(String(decoding: $0, as: UTF8.self)) } ?? row[i]
            })
        }
        #expect(seen == [[.scalar("plain"), .null, .scalar("esc\n中"), .unsupported], [.scalar("é")]])
        #expect(seen == page.rows)
        #expect(QueryPage(columns: page.columns, rows: seen) == page)
        #expect(QueryPage(columns: page.columns, rows: seen).cells.rowCount == 2)
    }
}
