import TextCodecs

/// The `Query` response members we read, by `JSONScanner` (JSONDecoder spent ~15 µs per row: 1.5 s of CPU for a
/// 100 000-row read). Unknown members are skipped; a member of the wrong JSON type makes the body unreadable.
/// Cells are recorded as spans of the body (`QueryCells`), not as a `String` each.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_Query.html#API_query_Query_ResponseSyntax
public struct QueryResponse: Sendable {
    /// The token for the next page; nil (also when empty) on the last page.
    public var nextToken: String?
    public var page: QueryPage

    /// The response in a `Query` answer body, or nil when the body is not such a response.
    public static func decode(_ body: [UInt8]) -> QueryResponse? {
        guard body.count < QueryCells.maxBodyBytes else { return nil }
        var reader = Reader(cells: QueryCells(body: body))
        let readable = body.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            guard (try? reader.response(&scanner)) != nil else { return false }
            return scanner.atEnd
        }
        guard readable else { return nil }
        return QueryResponse(nextToken: reader.nextToken, page: QueryPage(columns: reader.columns, cells: reader.cells))
    }

    private struct Reader {
        var cells: QueryCells
        var columns: [ColumnInfo] = []
        var nextToken: String? = nil

        mutating func response(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) {
            try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                switch name {
                case "NextToken":
                    let token = try scanner.consumeNull() ? nil : scanner.string()
                    nextToken = token?.isEmpty == true ? nil : token
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
                try datum(&scanner)
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
    }
}
