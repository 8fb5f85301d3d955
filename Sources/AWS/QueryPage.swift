import FoundationEssentials

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

/// The `Query` response members we read.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_query_Query.html#API_query_Query_ResponseSyntax
struct QueryResponse: Decodable {
    var nextToken: String?
    var page: QueryPage

    private enum Keys: String, CodingKey { case NextToken, Rows, ColumnInfo }
    private struct WireColumn: Decodable {
        struct WireType: Decodable { var ScalarType: String? }
        var Name: String?
        var `Type`: WireType?
    }
    private struct WireRow: Decodable { var Data: [WireDatum]? }
    private struct WireDatum: Decodable {
        var datum: Datum
        private enum Keys: String, CodingKey { case ScalarValue, NullValue }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let value = try container.decodeIfPresent(String.self, forKey: .ScalarValue) {
                datum = .scalar(value)
            } else if try container.decodeIfPresent(Bool.self, forKey: .NullValue) == true {
                datum = .null
            } else {
                datum = .unsupported
            }
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        nextToken = try container.decodeIfPresent(String.self, forKey: .NextToken).flatMap { $0.isEmpty ? nil : $0 }
        let columns = try container.decodeIfPresent([WireColumn].self, forKey: .ColumnInfo) ?? []
        let rows = try container.decodeIfPresent([WireRow].self, forKey: .Rows) ?? []
        page = QueryPage(
            columns: columns.map { ColumnInfo(name: $0.Name ?? "", scalarType: $0.Type?.ScalarType) },
            rows: rows.map { ($0.Data ?? []).map(\.datum) })
    }

    static func decode(_ body: [UInt8]) -> QueryResponse? { try? JSONDecoder().decode(Self.self, from: Data(body)) }
}
