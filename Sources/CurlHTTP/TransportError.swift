/// Why an exchange produced no HTTP response. Every case is a transport failure: the caller decides
/// whether to retry (all of these are transient from Prometheus' point of view except `invalidRequest`).
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host name did not resolve.
    case dns(String)
    /// TCP connect failed or was refused.
    case connect(String)
    /// TLS handshake or certificate verification failed.
    case tls(String)
    /// The request's timeout (or the caller's deadline) elapsed.
    case timeout(String)
    /// The peer reset or closed the connection mid-exchange, or sent nothing.
    case reset(String)
    /// The request itself could not be sent (bad URL, unsupported scheme …). Not transient.
    case invalidRequest(String)
    /// Any other libcurl failure, with curl's code and text.
    case other(code: Int, message: String)

    public var description: String {
        switch self {
        case .dns(let m): "DNS resolution failed: \(m)"
        case .connect(let m): "connect failed: \(m)"
        case .tls(let m): "TLS failed: \(m)"
        case .timeout(let m): "timed out: \(m)"
        case .reset(let m): "connection reset: \(m)"
        case .invalidRequest(let m): "invalid request: \(m)"
        case .other(let code, let m): "transport error \(code): \(m)"
        }
    }
}
