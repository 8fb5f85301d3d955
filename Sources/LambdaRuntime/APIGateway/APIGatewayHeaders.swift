import CurlHTTP

/// Request headers of an API Gateway event, looked up case-insensitively: REST (v1) keeps the client's spelling
/// (`Host`), HTTP APIs (v2) lower-case everything, and the connector must not care.
public struct APIGatewayHeaders: Sendable, Equatable {
    /// Every header value, in name order; a name repeats when the client sent it several times.
    public var entries: [(name: String, value: String)]

    init(_ entries: [(name: String, value: String)] = []) { self.entries = entries }

    /// The first value of `name`, compared ASCII case-insensitively.
    package subscript(name: String) -> String? { entries.firstValue(named: name) }

    /// All values of `name`, compared ASCII case-insensitively.
    func values(named name: String) -> [String] {
        entries.filter { asciiCaseInsensitiveEquals($0.name, name) }.map(\.value)
    }

    public static func == (lhs: APIGatewayHeaders, rhs: APIGatewayHeaders) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.value == $1.value }
    }
}
