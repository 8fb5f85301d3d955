/// What the AWS and Lambda-runtime layers need from HTTP. `HTTPClient` implements it over libcurl; tests may
/// substitute a scripted transport. Calls are blocking; a transport is shared by every invocation loop of the
/// process (`AWS_LAMBDA_MAX_CONCURRENCY`), so it must be safe to call from several threads at once.
public protocol HTTPTransport: AnyObject, Sendable {
    /// Sends one request and waits for its response.
    func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError>
    /// Sends all requests with at most `maxConcurrent` in flight at once, and returns the outcomes in the
    /// order of `requests`. Returns when every request has finished.
    func sendAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, TransportError>]
}
