import TextCodecs

/// The JSON of an API Gateway Lambda proxy event, as one tolerant shape covering both payload versions; every
/// field is optional (`null` reads as absent) so only the fields the request needs are checked, in one place.
/// Unknown members are skipped; a known member of the wrong JSON type makes the event malformed.
/// v1 (REST): https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
/// v2 (HTTP API): https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
struct APIGatewayEventPayload {
    var version: String?
    // v2
    var rawPath: String?
    var cookies: [String?]?
    // v1
    var path: String?
    var httpMethod: String?
    var multiValueHeaders: [String: [String?]?]?
    // both
    var headers: [String: String?]?
    var body: String?
    var isBase64Encoded: Bool?
    var requestContext: RequestContext?

    struct RequestContext {
        var requestId: String?
        // v2
        var http: HTTP?
        /// When API Gateway received the request (epoch ms).
        var timeEpoch: Int64?
        // v1
        var httpMethod: String?
        var path: String?
        var identity: Identity?
        /// When API Gateway received the request (epoch ms).
        var requestTimeEpoch: Int64?
    }

    struct HTTP {
        var method: String?
        var path: String?
        var sourceIp: String?
    }

    struct Identity {
        var sourceIp: String?
    }
}

extension APIGatewayEventPayload {
    /// Reads one event: a single JSON object and nothing after it but whitespace.
    static func read(_ json: [UInt8]) throws(JSONScanner.Malformed) -> APIGatewayEventPayload {
        try json.withUnsafeBufferPointer { bytes in
            Result { () throws(JSONScanner.Malformed) in
                var scanner = JSONScanner(bytes)
                let payload = try event(&scanner)
                guard scanner.atEnd else { throw JSONScanner.Malformed(offset: scanner.offset) }
                return payload
            }
        }.get()
    }

    private typealias Malformed = JSONScanner.Malformed

    private static func event(_ scanner: inout JSONScanner) throws(Malformed) -> APIGatewayEventPayload {
        var payload = APIGatewayEventPayload()
        try scanner.forEachMember { (scanner, name) throws(Malformed) in
            switch name {
            case "version": payload.version = try optionalString(&scanner)
            case "rawPath": payload.rawPath = try optionalString(&scanner)
            case "cookies": payload.cookies = try optional(&scanner) { (scanner) throws(Malformed) in
                try array(&scanner, optionalString)
            }
            case "path": payload.path = try optionalString(&scanner)
            case "httpMethod": payload.httpMethod = try optionalString(&scanner)
            case "multiValueHeaders":
                payload.multiValueHeaders = try optional(&scanner) { (scanner) throws(Malformed) in
                    try object(&scanner) { (scanner) throws(Malformed) in
                        try optional(&scanner) { (scanner) throws(Malformed) in try array(&scanner, optionalString) }
                    }
                }
            case "headers": payload.headers = try optional(&scanner) { (scanner) throws(Malformed) in
                try object(&scanner, optionalString)
            }
            case "body": payload.body = try optionalString(&scanner)
            case "isBase64Encoded": payload.isBase64Encoded = try optional(&scanner) { (scanner) throws(Malformed) in
                try scanner.bool()
            }
            case "requestContext": payload.requestContext = try optional(&scanner, requestContext)
            default: try scanner.skipValue()
            }
        }
        return payload
    }

    private static func requestContext(_ scanner: inout JSONScanner) throws(Malformed) -> RequestContext {
        var context = RequestContext()
        try scanner.forEachMember { (scanner, name) throws(Malformed) in
            switch name {
            case "requestId": context.requestId = try optionalString(&scanner)
            case "http":
                context.http = try optional(&scanner) { (scanner) throws(Malformed) in
                    var http = HTTP()
                    try scanner.forEachMember { (scanner, name) throws(Malformed) in
                        switch name {
                        case "method": http.method = try optionalString(&scanner)
                        case "path": http.path = try optionalString(&scanner)
                        case "sourceIp": http.sourceIp = try optionalString(&scanner)
                        default: try scanner.skipValue()
                        }
                    }
                    return http
                }
            case "timeEpoch": context.timeEpoch = try optional(&scanner) { (scanner) throws(Malformed) in try scanner.int64() }
            case "requestTimeEpoch":
                context.requestTimeEpoch = try optional(&scanner) { (scanner) throws(Malformed) in try scanner.int64() }
            case "httpMethod": context.httpMethod = try optionalString(&scanner)
            case "path": context.path = try optionalString(&scanner)
            case "identity":
                context.identity = try optional(&scanner) { (scanner) throws(Malformed) in
                    var identity = Identity()
                    try scanner.forEachMember { (scanner, name) throws(Malformed) in
                        guard name == "sourceIp" else { return try scanner.skipValue() }
                        identity.sourceIp = try optionalString(&scanner)
                    }
                    return identity
                }
            default: try scanner.skipValue()
            }
        }
        return context
    }

    // Building blocks: `null` reads as absent, as `Decodable`'s optionals did.

    private static func optional<Value>(
        _ scanner: inout JSONScanner, _ read: (inout JSONScanner) throws(Malformed) -> Value
    ) throws(Malformed) -> Value? {
        try scanner.consumeNull() ? nil : read(&scanner)
    }

    private static func optionalString(_ scanner: inout JSONScanner) throws(Malformed) -> String? {
        try scanner.consumeNull() ? nil : scanner.string()
    }

    private static func array<Element>(
        _ scanner: inout JSONScanner, _ read: (inout JSONScanner) throws(Malformed) -> Element
    ) throws(Malformed) -> [Element] {
        var elements: [Element] = []
        try scanner.forEachElement { (scanner) throws(Malformed) in elements.append(try read(&scanner)) }
        return elements
    }

    /// A JSON object as a dictionary; a repeated name keeps its last value.
    private static func object<Value>(
        _ scanner: inout JSONScanner, _ read: (inout JSONScanner) throws(Malformed) -> Value
    ) throws(Malformed) -> [String: Value] {
        var members: [String: Value] = [:]
        try scanner.forEachMember { (scanner, name) throws(Malformed) in members[name] = try read(&scanner) }
        return members
    }
}
