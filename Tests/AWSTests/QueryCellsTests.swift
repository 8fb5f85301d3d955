import TestSupport
@testable import TimestreamCodec
@testable import AWS
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

    /// Random rows written with random JSON whitespace, member order and escaping read back as the values they
    /// were made from: the raw-byte fast path, the scanner's fast path and the member-by-member path agree.
    @Test func randomSpellingsReadBackExactly() throws {
        var rng = SplitMix64.forTest()
        let alphabet = Array("ab\"\\/\u{1}\té中🧪-_. 0123456789".unicodeScalars)
        func s() -> String { ["", "", " ", "  ", "\n", "\t ", "\r\n"].randomElement(using: &rng)! }
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\u{1}": out += "\\u0001"
                case "\t": out += Bool.random(using: &rng) ? "\\t" : "\\u0009"
                default:
                    // A BMP scalar may be written as `\uXXXX`; others stay raw UTF-8.
                    let hex = String(scalar.value, radix: 16)
                    out += Bool.random(using: &rng) || scalar.isASCII || scalar.value > 0xFFFF
                        ? String(scalar) : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
            return out + "\""
        }
        for _ in 0..<200 {
            var rows: [[Datum]] = []
            var json: [String] = []
            for _ in 0..<Int.random(in: 0...5, using: &rng) {
                var row: [Datum] = []
                var cells: [String] = []
                for _ in 0..<Int.random(in: 0...6, using: &rng) {

                    switch Int.random(in: 0..<10, using: &rng) {
                    case 0: row.append(.null); cells.append("{\(s())\"NullValue\"\(s()):\(s())true\(s())}")
                    case 1: row.append(.unsupported); cells.append("{\(s())\"NullValue\"\(s()):\(s())false\(s())}")
                    case 2: row.append(.unsupported); cells.append("{\(s())\"ArrayValue\":\(s())[\(s())]\(s())}")
                    default:
                        let length = [0, 1, 7, 8, 9, 15, 16, 17, 40].randomElement(using: &rng)!
                        let text = String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &rng)! }))
                        row.append(.scalar(text))
                        cells.append(Bool.random(using: &rng)
                            ? "{\(s())\"ScalarValue\"\(s()):\(s())\(quoted(text))\(s())}"
                            : "{\"Type\":1,\(s())\"ScalarValue\":\(quoted(text))}")
                    }
                }
                rows.append(row)
                json.append("{\(s())\"Data\"\(s()):\(s())[\(s())" + cells.joined(separator: "\(s()),\(s())") + "\(s())]\(s())}")
            }
            let page = try decode(json.joined(separator: ", "))
            #expect(page.rows == rows, "\(json)")
        }
    }
}
