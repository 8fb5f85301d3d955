import CurlHTTP
import TextCodecs

/// The HTTP answer a proxy integration returns to API Gateway, encoded for the event's payload version.
/// v1: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format
/// v2: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.response
public struct APIGatewayResponse: Sendable, Equatable {
    public var statusCode: Int
    /// Response headers in order; a name may repeat.
    var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(statusCode: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
    }

    /// A plain-text answer (`Content-Type: text/plain; charset=utf-8`), e.g. a one-line reason with a 4xx.
    public static func text(
        _ statusCode: Int, _ message: String, headers: [(name: String, value: String)] = []
    ) -> Self {
        APIGatewayResponse(
            statusCode: statusCode, headers: [(name: "Content-Type", value: "text/plain; charset=utf-8")] + headers,
            body: Array(message.utf8))
    }

    /// Whether the body travels base64-encoded (`isBase64Encoded: true`): when it is not valid UTF-8, when a
    /// `Content-Encoding` is set (e.g. snappy), or when `Content-Type` is not a text type. API Gateway decodes it
    /// back to bytes before answering the client.
    package var isBinaryBody: Bool {
        if body.isEmpty { return false }
        if headers.firstValue(named: "Content-Encoding") != nil { return true }
        if let type = headers.firstValue(named: "Content-Type"), !Self.isTextual(type) { return true }
        return String(validating: body, as: UTF8.self) == nil
    }

    /// The JSON API Gateway expects for `version`. v1 puts every header in `multiValueHeaders` (so repeated names
    /// survive); v2 has only `headers`, so repeated names are joined with `,` (RFC 9110 §5.3); `cookies` is not used.
    public func encoded(for version: APIGatewayPayloadVersion) -> [UInt8] {
        let binary = isBinaryBody
        let bodyCapacity = binary ? body.count / 3 * 4 + 4 : body.count + body.count / 8
        var writer = JSONWriter(reservingCapacity: 128 + bodyCapacity)
        writer.raw("{\"statusCode\":")
        writer.integer(statusCode)
        switch version {
        case .v1:
            writer.raw(",\"multiValueHeaders\":{")
            for (index, group) in groupedHeaders().enumerated() {
                if index > 0 { writer.raw(",") }
                writer.string(group.name)
                writer.raw(":[")
                for (valueIndex, value) in group.values.enumerated() {
                    if valueIndex > 0 { writer.raw(",") }
                    writer.string(value)
                }
                writer.raw("]")
            }
            writer.raw("}")
        case .v2:
            writer.raw(",\"headers\":{")
            for (index, group) in groupedHeaders().enumerated() {
                if index > 0 { writer.raw(",") }
                writer.string(group.name)
                writer.raw(":")
                writer.string(group.values.joined(separator: ","))
            }
            writer.raw("}")
        }
        writer.raw(",\"body\":")
        if binary {
            writer.asciiString(Base64.encode(body))
        } else {
            writer.string(String(decoding: body, as: UTF8.self))
        }
        writer.raw(",\"isBase64Encoded\":")
        writer.bool(binary)
        writer.raw("}")
        return writer.bytes
    }

    /// Headers grouped by case-insensitive name, in first-appearance order, keeping the first spelling.
    private func groupedHeaders() -> [(name: String, values: [String])] {
        var groups: [(name: String, values: [String])] = []
        for (name, value) in headers {
            if let index = groups.firstIndex(where: { asciiCaseInsensitiveEquals($0.name, name) }) {
                groups[index].values.append(value)
            } else {
                groups.append((name: name, values: [value]))
            }
        }
        return groups
    }

    private static func isTextual(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        let type = mediaType.trimmingCharacters(in: " \t")
        return type.hasPrefix("text/") || type == "application/json" || type.hasSuffix("+json")
            || type == "application/xml" || type.hasSuffix("+xml") || type == "application/javascript"
            || type == "application/x-www-form-urlencoded"
    }

    public static func == (lhs: APIGatewayResponse, rhs: APIGatewayResponse) -> Bool {
        lhs.statusCode == rhs.statusCode && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
