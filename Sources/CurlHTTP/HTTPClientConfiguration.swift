/// Settings fixed for the lifetime of an `HTTPClient`. Per-request limits live in `HTTPRequest`.
public struct HTTPClientConfiguration: Sendable, Equatable {
    /// Upper bound for DNS + TCP connect + TLS handshake of one new connection (`CURLOPT_CONNECTTIMEOUT_MS`).
    var connectTimeoutMilliseconds: Int
    /// Idle connections the multi handle keeps open for reuse (`CURLMOPT_MAXCONNECTS`). Keep it at least at
    /// the largest `maxConcurrent` used, or parallel rounds will reconnect.
    var maxCachedConnections: Int
    /// A cached connection idle longer than this is not reused (`CURLOPT_MAXAGE_CONN`): servers and load
    /// balancers drop idle connections (a frozen Lambda sends no keep-alive probes), and a reconnect is
    /// cheaper than a request lost on a dead socket.
    var maxConnectionIdleSeconds: Int
    /// Seconds of idleness before TCP keep-alive probes start (`CURLOPT_TCP_KEEPIDLE`/`KEEPINTVL`).
    var tcpKeepAliveIdleSeconds: Int
    /// A response body larger than this (after content decoding) fails with `.other` instead of growing
    /// memory without bound.
    var maxResponseBodyBytes: Int
    /// PEM file of trusted CA certificates replacing the system store (`CURLOPT_CAINFO`); `nil` = system
    /// store. Verification of peer and host name stays on either way.
    var caBundlePath: String?
    /// `User-Agent` sent when a request has none; `nil` sends none.
    var userAgent: String?

    public init(
        connectTimeoutMilliseconds: Int = 3_000,
        maxCachedConnections: Int = 32,
        maxConnectionIdleSeconds: Int = 50,
        tcpKeepAliveIdleSeconds: Int = 30,
        maxResponseBodyBytes: Int = 64 << 20,
        caBundlePath: String? = nil,
        userAgent: String? = nil
    ) {
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.maxCachedConnections = maxCachedConnections
        self.maxConnectionIdleSeconds = maxConnectionIdleSeconds
        self.tcpKeepAliveIdleSeconds = tcpKeepAliveIdleSeconds
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.caBundlePath = caBundlePath
        self.userAgent = userAgent
    }
}
