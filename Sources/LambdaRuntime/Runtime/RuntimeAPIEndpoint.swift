import CurlHTTP

/// The four Runtime API calls a custom runtime makes, as a closed set. `request(baseURL:)` is pure, so the exact
/// method, path, headers and body of each call can be checked without a server.
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
enum RuntimeAPIEndpoint: Sendable, Equatable {
    /// `GET /runtime/invocation/next`: long-polls until an event arrives, so it carries no timeout.
    case next
    /// `POST /runtime/invocation/{id}/response` with the handler's bytes.
    case response(requestID: String, body: [UInt8])
    /// `POST /runtime/invocation/{id}/error`: one invocation failed; the runtime keeps serving.
    case error(requestID: String, ErrorReport)
    /// `POST /runtime/init/error`: the function cannot start; the process exits afterwards.
    case initError(ErrorReport)

    /// Which call this is, without its payload (used in `RuntimeError`).
    enum Kind: String, Sendable, Equatable { case next, response, error, initError }

    var kind: Kind {
        switch self {
        case .next: .next
        case .response: .response
        case .error: .error
        case .initError: .initError
        }
    }

    /// The status the Runtime API answers on success: 200 for `next` (with the event), 202 for the posts.
    var expectedStatus: Int { self == .next ? 200 : 202 }

    /// The HTTP request for this call against `baseURL` (`http://host:port`, no trailing slash). The Runtime API
    /// is the sandbox's own endpoint: never sent through a proxy the function's environment names for its egress
    /// (libcurl would otherwise, for a loopback address too, unless NO_PROXY names it).
    func request(baseURL: String) -> HTTPRequest {
        var request = unproxiedRequest(baseURL: baseURL)
        request.bypassesProxy = true
        return request
    }

    private func unproxiedRequest(baseURL: String) -> HTTPRequest {
        let prefix = baseURL + RuntimeEnvironment.apiVersionPrefix
        switch self {
        case .next:
            return HTTPRequest(method: "GET", url: prefix + "/runtime/invocation/next", timeoutMilliseconds: nil)
        case .response(let requestID, let body):
            return HTTPRequest(
                method: "POST", url: prefix + "/runtime/invocation/" + Self.pathSegment(requestID) + "/response",
                headers: [(name: "Content-Type", value: "application/octet-stream")], body: body)
        case .error(let requestID, let report):
            return HTTPRequest(
                method: "POST", url: prefix + "/runtime/invocation/" + Self.pathSegment(requestID) + "/error",
                headers: Self.errorHeaders(report), body: report.jsonBytes)
        case .initError(let report):
            return HTTPRequest(
                method: "POST", url: prefix + "/runtime/init/error", headers: Self.errorHeaders(report),
                body: report.jsonBytes)
        }
    }

    private static func errorHeaders(_ report: ErrorReport) -> [(name: String, value: String)] {
        [
            (name: "Content-Type", value: "application/json"),
            (name: RuntimeHeader.functionErrorType, value: headerSafe(report.errorType)),
        ]
    }

    /// Request ids are UUIDs; anything outside the URL path's unreserved set is percent-encoded so a hostile
    /// or broken id can never change the path (RFC 3986 §2.3).
    static func pathSegment(_ id: String) -> String {
        var out = ""
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    /// Header values cannot hold CR/LF or other control bytes (header injection); they become `_`.
    static func headerSafe(_ value: String) -> String {
        String(decoding: value.utf8.map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }
}
