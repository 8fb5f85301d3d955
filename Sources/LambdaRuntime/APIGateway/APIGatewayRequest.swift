import TextCodecs

/// Which API Gateway proxy payload format an event (and so its response) uses.
public enum APIGatewayPayloadVersion: String, Sendable, Equatable {
    /// REST APIs (and HTTP APIs configured for 1.0).
    case v1 = "1.0"
    /// HTTP APIs, payload format 2.0: what the template deploys.
    case v2 = "2.0"
}

/// One HTTP request as API Gateway delivered it, whatever the payload version.
public struct APIGatewayRequest: Sendable, Equatable {
    public var version: APIGatewayPayloadVersion
    /// `requestContext.http.method` (v2) or `httpMethod` (v1), e.g. `POST`.
    public var method: String
    /// `rawPath` (v2) or `path` (v1), including any stage prefix such as `/dev/write`.
    public var path: String
    /// Case-insensitive headers; v1 `multiValueHeaders` are used when present, v2 `cookies` become `cookie`.
    public var headers: APIGatewayHeaders
    /// The body bytes: base64-decoded iff `isBase64Encoded`, else the UTF-8 of the body string; empty when absent.
    public var body: [UInt8]
    /// Whether API Gateway base64-encoded the body (it does for binary media types; HTTP APIs for non-text types).
    package var isBase64Encoded: Bool
    /// `requestContext.requestId` (API Gateway's id, not Lambda's); empty when absent.
    var requestID: String
    /// `requestContext.http.sourceIp` (v2) or `requestContext.identity.sourceIp` (v1).
    var sourceIP: String?
    /// When API Gateway received the request, epoch ms: `requestContext.timeEpoch` (v2) or `requestTimeEpoch` (v1).
    /// Its integration timeout runs from then, cold start and invoke included.
    public var receivedEpochMilliseconds: Int64?

    init(
        version: APIGatewayPayloadVersion, method: String, path: String, headers: APIGatewayHeaders = .init(),
        body: [UInt8] = [], isBase64Encoded: Bool = false, requestID: String = "", sourceIP: String? = nil,
        receivedEpochMilliseconds: Int64? = nil
    ) {
        self.version = version
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.isBase64Encoded = isBase64Encoded
        self.requestID = requestID
        self.sourceIP = sourceIP
        self.receivedEpochMilliseconds = receivedEpochMilliseconds
    }

    /// Decodes a Lambda event payload. The version is told explicitly: `"version": "2.0"` is an HTTP API v2
    /// event, anything else is REST v1 (v1 events carry `"version": "1.0"` or no version at all).
    public init(eventJSON: [UInt8]) throws(APIGatewayEventError) {
        let payload: APIGatewayEventPayload
        do {
            payload = try APIGatewayEventPayload.read(eventJSON)
        } catch {
            throw .malformedEvent("not JSON of the expected shape at byte \(error.offset)")
        }
        try self.init(payload: payload)
    }

    init(payload: APIGatewayEventPayload) throws(APIGatewayEventError) {
        let context = payload.requestContext
        let version: APIGatewayPayloadVersion = payload.version == "2.0" ? .v2 : .v1
        let method: String?
        let path: String?
        var headers: [(name: String, value: String)]
        switch version {
        case .v2:
            method = context?.http?.method
            path = payload.rawPath ?? context?.http?.path
            headers = Self.single(payload.headers)
            let cookies = (payload.cookies ?? []).compactMap { $0 }
            if !cookies.isEmpty { headers.append((name: "cookie", value: cookies.joined(separator: "; "))) }
        case .v1:
            method = payload.httpMethod ?? context?.httpMethod
            path = payload.path ?? context?.path
            // multiValueHeaders holds every value; headers only the last one per name.
            let multi = Self.multi(payload.multiValueHeaders)
            headers = multi.isEmpty ? Self.single(payload.headers) : multi
        }
        guard let method, !method.isEmpty else {
            throw .missingField(version == .v2 ? "requestContext.http.method" : "httpMethod")
        }
        guard let path else { throw .missingField(version == .v2 ? "rawPath" : "path") }

        let isBase64Encoded = payload.isBase64Encoded ?? false
        let body: [UInt8]
        if let text = payload.body {
            if isBase64Encoded {
                do { body = try Base64.decode(text) } catch { throw .invalidBase64Body(error) }
            } else {
                body = Array(text.utf8)
            }
        } else {
            body = []
        }
        self.init(
            version: version, method: method, path: path, headers: APIGatewayHeaders(headers), body: body,
            isBase64Encoded: isBase64Encoded, requestID: context?.requestId ?? "",
            sourceIP: version == .v2 ? context?.http?.sourceIp : context?.identity?.sourceIp,
            receivedEpochMilliseconds: version == .v2 ? context?.timeEpoch : context?.requestTimeEpoch)
    }

    /// Sorted by name so the order does not depend on dictionary hashing.
    private static func single(_ map: [String: String?]?) -> [(name: String, value: String)] {
        (map ?? [:]).compactMap { name, value in value.map { (name: name, value: $0) } }.sorted { $0.name < $1.name }
    }

    private static func multi(_ map: [String: [String?]?]?) -> [(name: String, value: String)] {
        (map ?? [:]).sorted { $0.key < $1.key }.flatMap { name, values in
            (values ?? []).compactMap { $0 }.map { (name: name, value: $0) }
        }
    }
}

/// Why an event could not become an `APIGatewayRequest`. `invalidBase64Body` is the HTTP client's fault (answer
/// 400 with `reason`); the others mean the invoker did not send an API Gateway proxy event.
public enum APIGatewayEventError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not JSON, or a field of the wrong JSON type.
    case malformedEvent(String)
    /// A field needed to route the request is absent (named by its JSON path).
    case missingField(String)
    /// `isBase64Encoded` is true but the body is not base64.
    case invalidBase64Body(Base64.DecodingError)

    /// A one-line reason, fit for a 400 body or a log line.
    var reason: String {
        switch self {
        case .malformedEvent(let detail): "malformed API Gateway event: \(detail)"
        case .missingField(let field): "API Gateway event without \(field)"
        case .invalidBase64Body(let error): "body is not valid base64: \(error)"
        }
    }

    public var description: String { reason }
}
