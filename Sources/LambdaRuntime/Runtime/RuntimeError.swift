import CurlHTTP

/// The runtime lost its Runtime API (or was never given one). Thrown out of `runLoop` and the client calls;
/// the bootstrap exits non-zero and Lambda starts a fresh process. Handler errors never become a `RuntimeError`:
/// they are reported on `/invocation/{id}/error` and the loop goes on.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        /// `AWS_LAMBDA_RUNTIME_API` is unset or empty.
        case endpointNotConfigured
        /// The exchange failed below HTTP; `underlying` is the `TransportError`.
        case transportFailed
        /// The Runtime API answered a status other than 200 (`next`) or 202 (posts). 410 and 5xx mean the
        /// environment is going away or broken; 400/403/413 mean this runtime misbehaved.
        case unexpectedStatus(Int)
        /// `next` delivered an event without `Lambda-Runtime-Aws-Request-Id`: nothing can be reported about it
        /// (every `/response` and `/error` path needs the id), so the process must end and let Lambda retry.
        case missingRequestID
    }

    var code: Code
    /// The Runtime API call that failed.
    var call: RuntimeAPIEndpoint.Kind
    /// The cause, when there is one (a `TransportError` for `.transportFailed`).
    var underlying: (any Error)?

    init(_ code: Code, call: RuntimeAPIEndpoint.Kind, underlying: (any Error)? = nil) {
        self.code = code
        self.call = call
        self.underlying = underlying
    }

    public var description: String {
        let what: String
        switch code {
        case .endpointNotConfigured: what = "\(RuntimeEnvironment.runtimeAPIVariable) is not set"
        case .transportFailed: what = "transport failed"
        case .unexpectedStatus(let status): what = "unexpected HTTP status \(status)"
        case .missingRequestID: what = "event without \(RuntimeHeader.requestID) header"
        }
        let cause = underlying.map { ": \($0)" } ?? ""
        return "Runtime API \(call.rawValue): \(what)\(cause)"
    }
}
