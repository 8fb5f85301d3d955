import CurlHTTP

/// One HTTP request as a front door received it (API Gateway event, or a socket in the standalone server).
public struct ServiceRequest: Sendable {
    var method: String
    /// The path, including any prefix such as an API Gateway stage (`/dev/write`).
    var path: String
    /// Headers in arrival order; a name may repeat. Looked up ASCII case-insensitively.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    public init(method: String, path: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`.
    func header(_ name: String) -> String? { headers.firstValue(named: name) }
}

/// The HTTP answer to a `ServiceRequest`. A front door encodes it for its transport (an API Gateway response
/// object, an HTTP/1.1 response) and applies its own limits (Lambda's 6 MB).
public struct ServiceResponse: Sendable, Equatable {
    public var statusCode: Int
    /// Response headers in order; a name may repeat.
    public var headers: [(name: String, value: String)]
    public var body: ResponseBody

    init(statusCode: Int, headers: [(name: String, value: String)] = [], body: ResponseBody = .bytes([])) {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
    }

    /// A plain-text answer (`Content-Type: text/plain; charset=utf-8`), e.g. a one-line reason with a 4xx.
    public static func text(
        _ statusCode: Int, _ message: String, headers: [(name: String, value: String)] = []
    ) -> ServiceResponse {
        ServiceResponse(
            statusCode: statusCode, headers: [(name: "Content-Type", value: "text/plain; charset=utf-8")] + headers,
            body: .bytes(Array(message.utf8)))
    }

    /// 503 with `Retry-After` (seconds): a transient refusal, so Prometheus keeps the batch and sends it again.
    package static func retryLater(_ message: String, afterSeconds seconds: Int = 1) -> ServiceResponse {
        .text(503, message, headers: [(name: "Retry-After", value: String(seconds))])
    }

    /// 204 No Content: everything storable was written (remote-write spec: the body SHOULD be empty).
    static var noContent: ServiceResponse { ServiceResponse(statusCode: 204) }

    /// The body as text (for logs and tests).
    package var bodyText: String { String(decoding: body.bytes, as: UTF8.self) }

    public static func == (lhs: ServiceResponse, rhs: ServiceResponse) -> Bool {
        lhs.statusCode == rhs.statusCode && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A response body: bytes, or parts to send one after the other (a large read answer's frames, so a server can
/// stream them without joining them first).
public enum ResponseBody: Sendable, Equatable {
    case bytes([UInt8])
    case parts([[UInt8]])

    /// The whole body in one array (joins parts).
    public var bytes: [UInt8] {
        switch self {
        case .bytes(let bytes): bytes
        case .parts(let parts): Array(parts.joined())
        }
    }

    public var count: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .parts(let parts): parts.reduce(0) { $0 + $1.count }
        }
    }

    var isEmpty: Bool { count == 0 }
}

/// An answer that ends a request early (bad route, missing credentials, unusable selector): carried as the
/// failure of a `Result` so each step stays a plain function.
package struct Refusal: Error, Sendable, Equatable {
    package var response: ServiceResponse

    init(_ response: ServiceResponse) { self.response = response }

    static func text(_ statusCode: Int, _ message: String) -> Refusal { Refusal(.text(statusCode, message)) }
}
