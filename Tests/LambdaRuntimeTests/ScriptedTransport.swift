@testable import CurlHTTP
@testable import LambdaRuntime

/// An in-memory `HTTPTransport`: answers each `send` with the next scripted outcome, in order, and records
/// every request. When the script runs out it fails like a dead peer, so a runaway loop ends.
/// `@unchecked Sendable` (the protocol asks for it): each test uses it from one thread only.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private var script: [Result<HTTPResponse, TransportError>]
    private(set) var requests: [HTTPRequest] = []

    init(_ script: [Result<HTTPResponse, TransportError>]) { self.script = script }

    func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        requests.append(request)
        return script.isEmpty ? .failure(.reset("script exhausted")) : script.removeFirst()
    }

    func sendAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, TransportError>] {
        requests.map(send)
    }

    /// `METHOD path` of each request, without the base URL.
    var calls: [String] {
        requests.map { "\($0.method) \($0.url.replacingPrefix("http://runtime.test:9001", with: ""))" }
    }
}

/// Runtime API answers, as the scripted transport plays them.
enum Scripted {
    static func event(
        id: String?, deadline: String? = "1795467600000",
        arn: String? = "arn:aws:lambda:us-east-1:123456789012:function:f",
        trace: String? = nil, body: String = "{}"
    ) -> Result<HTTPResponse, TransportError> {
        var headers: [(name: String, value: String)] = [(name: "Content-Type", value: "application/json")]
        if let id { headers.append((name: "Lambda-Runtime-Aws-Request-Id", value: id)) }
        if let deadline { headers.append((name: "Lambda-Runtime-Deadline-Ms", value: deadline)) }
        if let arn { headers.append((name: "Lambda-Runtime-Invoked-Function-Arn", value: arn)) }
        if let trace { headers.append((name: "Lambda-Runtime-Trace-Id", value: trace)) }
        return .success(HTTPResponse(status: 200, headers: headers, body: Array(body.utf8)))
    }

    static let accepted: Result<HTTPResponse, TransportError> = .success(
        HTTPResponse(status: 202, body: Array(#"{"status":"OK"}"#.utf8)))

    static let gone: Result<HTTPResponse, TransportError> = .success(
        HTTPResponse(status: 410, body: Array(#"{"errorType":"Gone"}"#.utf8)))
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
