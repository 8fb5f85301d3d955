import TextCodecs

/// The `Query` response members we read, by `JSONScanner` (JSONDecoder spent ~15 µs per row: 1.5 s of CPU for a
/// 100 000-row read). Unknown members are skipped; a member of the wrong JSON type makes the body unreadable.
/// Cells are recorded as spans of the body (`QueryCells`), not as a `String` each.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_Query.html#API_query_Query_ResponseSyntax
package struct QueryResponse: Sendable {
    /// The token for the next page; nil (also when empty) on the last page.
    package var nextToken: String?
    /// The query's id (what `CancelQuery` takes), when the page names it.
    package var queryID: String? = nil
    package var page: QueryPage

    /// The response in a `Query` answer body, or nil when the body is not such a response.
    package static func decode(_ body: [UInt8]) -> QueryResponse? {
        guard body.count < QueryCells.maxBodyBytes else { return nil }
        var reader = Reader(cells: QueryCells(body: body))
        let readable = body.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            guard (try? reader.response(&scanner)) != nil else { return false }
            return scanner.atEnd
        }
        guard readable else { return nil }
        return QueryResponse(
            nextToken: reader.nextToken, queryID: reader.queryID,
            page: QueryPage(columns: reader.columns, cells: reader.cells))
    }

    private struct Reader {
        var cells: QueryCells
        var columns: [ColumnInfo] = []
        var nextToken: String? = nil
        var queryID: String? = nil

        mutating func response(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) {
            try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                switch name {
                case "NextToken":
                    let token = try scanner.consumeNull() ? nil : scanner.string()
                    nextToken = token?.isEmpty == true ? nil : token
                case "QueryId":
                    let id = try scanner.consumeNull() ? nil : scanner.string()
                    queryID = id?.isEmpty == true ? nil : id
                case "ColumnInfo":
                    guard try !scanner.consumeNull() else { return }
                    try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
                        columns.append(try Self.column(&scanner))
                    }
                case "Rows":
                    guard try !scanner.consumeNull() else { return }
                    try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in try row(&scanner) }
                default: try scanner.skipValue()
                }
            }
        }

        /// `{"Name": …, "Type": {"ScalarType": …}}`
        static func column(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> ColumnInfo {
            var column = ColumnInfo(name: "", scalarType: nil)
            try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                switch name {
                case "Name": column.name = try scanner.consumeNull() ? "" : scanner.string()
                case "Type":
                    guard try !scanner.consumeNull() else { return }
                    try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                        if name == "ScalarType" {
                            column.scalarType = try scanner.consumeNull() ? nil : scanner.string()
                        } else {
                            try scanner.skipValue()
                        }
                    }
                default: try scanner.skipValue()
                }
            }
            return column
        }

        /// `{"Data": [Datum, …]}` (every `Data` member's cells, in order; other members skipped).
        mutating func row(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) {
            // Fast path for Timestream's spelling, `{"Data":[…]}`; anything else is read member by member.
            let start = scanner.offset
            let mark = cells.mark()
            if scanner.consume(#"{"Data":"#) {
                try data(&scanner)
                if scanner.consume("}") { return cells.endRow() }
                scanner.rewind(to: start)
                cells.truncate(to: mark)
            }
            try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                guard name == "Data" else { return try scanner.skipValue() }
                try data(&scanner)
            }
            cells.endRow()
        }

        mutating func data(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) {
            guard try !scanner.consumeNull() else { return }
            // `forEachElement`, without a closure call per cell (a page has ~12 000 cells).
            guard scanner.consume("[") else {
                return try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in try datum(&scanner) }
            }
            if scanner.consume("]") { return }
            repeat {
                if !commonDatum(&scanner) { try datum(&scanner) }
            } while scanner.consume(",")
            guard scanner.consume("]") else { throw JSONScanner.Malformed(offset: scanner.offset) }
        }

        /// `{"ScalarValue": "…"}`, `{"NullValue": true}`, or another kind (array, row, time series): unsupported.
        mutating func datum(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) {
            // Fast paths for the two common cases as Timestream spells them, `{"ScalarValue":"…"}` and
            // `{"NullValue":true}` (`SELECT *` gives a NULL for every dimension a series does not have).
            let start = scanner.offset
            if scanner.consume(#"{"ScalarValue":"#) {
                if let range = try scanner.rawString(), scanner.consume("}") { return cells.appendScalar(at: range) }
                scanner.rewind(to: start)
            } else if scanner.consume(#"{"NullValue":"#) {
                let isNull: Bool? = scanner.consume("true") ? true : scanner.consume("false") ? false : nil
                if let isNull, scanner.consume("}") { return isNull ? cells.appendNull() : cells.appendUnsupported() }
                scanner.rewind(to: start)
            }
            enum Scalar {
                case inPlace(Range<Int>)
                case unescaped(String)
            }
            var scalar: Scalar? = nil
            var isNull = false
            try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                switch name {
                case "ScalarValue":
                    guard try !scanner.consumeNull() else { return }
                    if let range = try scanner.rawString() { scalar = .inPlace(range) } else { scalar = .unescaped(try scanner.string()) }
                case "NullValue": isNull = try scanner.consumeNull() ? isNull : scanner.bool()
                default: try scanner.skipValue()
                }
            }
            switch scalar {
            case .inPlace(let range): cells.appendScalar(at: range)
            case .unescaped(let text): cells.appendScalar(copying: text.utf8)
            case nil: isNull ? cells.appendNull() : cells.appendUnsupported()
            }
        }

        /// The two cells nearly every row is made of, read straight from the bytes: `{"NullValue": true}` and
        /// `{"ScalarValue": "…"}` with an ASCII value without escapes (either JSON spacing). Anything else
        /// (including JSON it would reject) leaves the scanner where it was and returns false for `datum`.
        @inline(__always)
        mutating func commonDatum(_ scanner: inout JSONScanner) -> Bool {
            let bytes = scanner.bytes
            let end = bytes.count
            guard let base = bytes.baseAddress else { return false }
            var i = scanner.offset
            @inline(__always) func skipSpaces() {
                while i < end, base[i] == 0x20 || base[i] == 0x0A || base[i] == 0x0D || base[i] == 0x09 { i += 1 }
            }
            @inline(__always) func word(_ at: Int) -> UInt64 {
                UInt64(littleEndian: UnsafeRawPointer(base + at).loadUnaligned(as: UInt64.self))
            }
            skipSpaces()
            guard end - i >= 18 else { return false }
            let head = word(i)
            if head == 0x6156_6C6C_754E_227B, word(i + 5) == 0x3A22_6575_6C61_566C {  // {"NullVa, lValue":
                i += 13
                skipSpaces()
                guard end - i >= 5, UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self)) == 0x6575_7274
                else { return false }  // true
                i += 4
                skipSpaces()
                guard i < end, base[i] == UInt8(ascii: "}") else { return false }
                scanner.rewind(to: i + 1)
                cells.appendNull()
                return true
            }
            guard head == 0x7261_6C61_6353_227B, word(i + 7) == 0x3A22_6575_6C61_5672 else { return false }  // {"Scalar, rValue":
            i += 15
            skipSpaces()
            guard i < end, base[i] == UInt8(ascii: "\"") else { return false }
            i += 1
            let first = i
            // Eight bytes at a time while none is `"`, `\`, a control byte or non-ASCII (as `rawString`).
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while end - i >= 8 {
                let word = word(i)
                let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
                let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                guard (special | word) & highs == 0 else { break }
                i += 8
            }
            while i < end, base[i] != UInt8(ascii: "\"") {
                guard base[i] >= 0x20, base[i] < 0x80, base[i] != UInt8(ascii: "\\") else { return false }
                i += 1
            }
            guard i < end else { return false }
            let range = first..<i
            i += 1
            skipSpaces()
            guard i < end, base[i] == UInt8(ascii: "}") else { return false }
            scanner.rewind(to: i + 1)
            cells.appendScalar(at: range)
            return true
        }
    }
}
