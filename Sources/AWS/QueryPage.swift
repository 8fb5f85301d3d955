import TextCodecs

/// A result column: its name and, for scalar columns, its type (`VARCHAR`, `DOUBLE`, `TIMESTAMP`, …).
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_ColumnInfo.html
public struct ColumnInfo: Equatable, Sendable {
    public var name: String
    public var scalarType: String?

    public init(name: String, scalarType: String?) {
        self.name = name
        self.scalarType = scalarType
    }
}

/// One cell. The connector's SQL only selects scalars; arrays, rows and time series come back as `unsupported`.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_Datum.html
public enum Datum: Equatable, Sendable {
    case scalar(String)
    case null
    case unsupported
}

/// One page of a Query result. A page may have no rows (Timestream returns such pages while it works).
public struct QueryPage: Equatable, Sendable {
    public var columns: [ColumnInfo]
    public var rows: [[Datum]]

    public init(columns: [ColumnInfo], rows: [[Datum]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// The `Query` response members we read, by `JSONScanner` (JSONDecoder spent ~15 µs per row: 1.5 s of CPU for a
/// 100 000-row read). Unknown members are skipped; a member of the wrong JSON type makes the body unreadable.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_Query.html#API_query_Query_ResponseSyntax
public struct QueryResponse: Sendable {
    /// The token for the next page; nil (also when empty) on the last page.
    public var nextToken: String?
    public var page: QueryPage

    /// The response in a `Query` answer body, or nil when the body is not such a response.
    public static func decode(_ body: [UInt8]) -> QueryResponse? {
        body.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            guard let response = try? read(&scanner), scanner.atEnd else { return nil }
            return response
        }
    }

    private static func read(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> QueryResponse {
        var response = QueryResponse(nextToken: nil, page: QueryPage(columns: [], rows: []))
        try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
            switch name {
            case "NextToken":
                let token = try scanner.consumeNull() ? nil : scanner.string()
                response.nextToken = token?.isEmpty == true ? nil : token
            case "ColumnInfo":
                guard try !scanner.consumeNull() else { return }
                try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
                    response.page.columns.append(try column(&scanner))
                }
            case "Rows":
                guard try !scanner.consumeNull() else { return }
                try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
                    response.page.rows.append(try row(&scanner))
                }
            default: try scanner.skipValue()
            }
        }
        return response
    }

    /// `{"Name": …, "Type": {"ScalarType": …}}`
    private static func column(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> ColumnInfo {
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

    /// `{"Data": [Datum, …]}`
    private static func row(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> [Datum] {
        var data: [Datum] = []
        try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
            guard name == "Data", try !scanner.consumeNull() else { return try scanner.skipValue() }
            try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in data.append(try datum(&scanner)) }
        }
        return data
    }

    /// `{"ScalarValue": "…"}`, `{"NullValue": true}`, or another kind (array, row, time series): unsupported.
    private static func datum(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> Datum {
        // Fast paths for the two common cases as Timestream spells them, `{"ScalarValue":"…"}` and
        // `{"NullValue":true}` (`SELECT *` gives a NULL for every dimension a series does not have).
        let start = scanner.offset
        if scanner.consume(#"{"ScalarValue":"#) {
            let value = try scanner.string()
            if scanner.consume("}") { return .scalar(value) }
            scanner.rewind(to: start)
        } else if scanner.consume(#"{"NullValue":"#) {
            let isNull = try scanner.bool()
            if scanner.consume("}") { return isNull ? .null : .unsupported }
            scanner.rewind(to: start)
        }
        var scalar: String? = nil
        var isNull = false
        try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
            switch name {
            case "ScalarValue": scalar = try scanner.consumeNull() ? scalar : scanner.string()
            case "NullValue": isNull = try scanner.consumeNull() ? isNull : scanner.bool()
            default: try scanner.skipValue()
            }
        }
        if let scalar { return .scalar(scalar) }
        return isNull ? .null : .unsupported
    }
}
