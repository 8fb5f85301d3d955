import CurlHTTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One event as `next` delivered it: the request id (always present), all headers, and the raw payload.
struct Invocation {
    var requestID: String
    var headers: [(name: String, value: String)]
    var payload: [UInt8]

    init(requestID: String, headers: [(name: String, value: String)], payload: [UInt8]) {
        self.requestID = requestID
        self.headers = headers
        self.payload = payload
    }
}

/// Blocking client for the Lambda Runtime API over any `HTTPTransport` (libcurl's `HTTPClient` in production,
/// which keeps one connection alive across invocations). Built once per cold start; with several invocation
/// loops (`AWS_LAMBDA_MAX_CONCURRENCY`) all of them share it, each call on its own connection of the pool.
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
public struct RuntimeAPIClient: Sendable {
    /// `http://host:port`, without the API version prefix.
    let baseURL: String
    private let transport: any HTTPTransport

    /// `endpoint` is `host:port` as in `AWS_LAMBDA_RUNTIME_API` (a full `http://…` URL is accepted too).
    init(endpoint: String, transport: any HTTPTransport) {
        var base = endpoint.contains("://") ? endpoint : "http://" + endpoint
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
    }

    /// A client for `$AWS_LAMBDA_RUNTIME_API`; throws `.endpointNotConfigured` when it is unset or empty
    /// (then the process was not started by Lambda and there is nowhere to report anything).
    public static func fromEnvironment(transport: any HTTPTransport) throws(RuntimeError) -> RuntimeAPIClient {
        guard let raw = getenv(RuntimeEnvironment.runtimeAPIVariable), case let value = String(cString: raw),
            !value.isEmpty
        else { throw RuntimeError(.endpointNotConfigured, call: .next) }
        return RuntimeAPIClient(endpoint: value, transport: transport)
    }

    /// Waits (without timeout) for the next event.
    func nextInvocation() throws(RuntimeError) -> Invocation {
        let response = try exchange(.next)
        guard let requestID = response.header(RuntimeHeader.requestID), !requestID.isEmpty else {
            throw RuntimeError(.missingRequestID, call: .next)
        }
        return Invocation(requestID: requestID, headers: response.headers, payload: response.body)
    }

    /// Delivers the handler's result for `requestID`.
    func sendResponse(requestID: String, body: [UInt8]) throws(RuntimeError) {
        try exchange(.response(requestID: requestID, body: body))
    }

    /// Reports that invocation `requestID` failed; Lambda returns the report to the invoker.
    func reportError(requestID: String, _ report: ErrorReport) throws(RuntimeError) {
        try exchange(.error(requestID: requestID, report))
    }

    /// Reports that the function cannot initialise (bad configuration). Call it before the first `next`, then
    /// exit non-zero: Lambda fails the pending invocation with this report and will start a fresh process.
    public func reportInitError(_ report: ErrorReport) throws(RuntimeError) {
        try exchange(.initError(report))
    }

    @discardableResult
    private func exchange(_ endpoint: RuntimeAPIEndpoint) throws(RuntimeError) -> HTTPResponse {
        switch transport.send(endpoint.request(baseURL: baseURL)) {
        case .failure(let error):
            throw RuntimeError(.transportFailed, call: endpoint.kind, underlying: error)
        case .success(let response):
            guard response.status == endpoint.expectedStatus else {
                throw RuntimeError(
                    .unexpectedStatus(response.status), call: endpoint.kind,
                    underlying: RuntimeAPIStatusBody(text: String(decoding: response.body.prefix(512), as: UTF8.self)))
            }
            return response
        }
    }
}

/// The start of the Runtime API's body on an unexpected status (it explains 400/403/413 answers).
struct RuntimeAPIStatusBody: Error, Sendable, CustomStringConvertible {
    var text: String
    var description: String { text.isEmpty ? "(empty body)" : text }
}
