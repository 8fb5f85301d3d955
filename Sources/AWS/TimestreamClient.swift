import CurlHTTP
import Synchronization

/// A Timestream for LiveAnalytics client over AWS JSON 1.0 (`X-Amz-Target: Timestream_20181101.<Operation>`),
/// signed with SigV4 as service `timestream`. Build it once per cold start and reuse it: it keeps the discovered
/// endpoints. Credentials are passed per call and never stored (only the key id, as a cache key).
/// Thread-safe: every invocation loop of the process shares one client (one endpoint cache, one connection pool
/// in the transport); the endpoint cache sits behind a lock and the call counters are atomic.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_Reference.html
package final class TimestreamClient: Sendable {
    /// `X-Amz-Target` prefix of every operation.
    package static let targetPrefix = "Timestream_20181101."
    /// SigV4 signing name of both Timestream APIs.
    package static let signingName = "timestream"
    /// AWS JSON 1.0 content type.
    package static let contentType = "application/x-amz-json-1.0"

    let region: String
    let endpoints: EndpointConfiguration
    let retryPolicy: RetryPolicy
    let transport: any HTTPTransport
    let clock: any RetryClock
    let jitter: any JitterSource
    let endpointCache = Mutex(EndpointCache())

    /// - Parameters:
    ///   - transport: the HTTP client (libcurl's `HTTPClient` in production).
    ///   - region: signing region and the region of the discovery hosts.
    public convenience init(transport: any HTTPTransport, region: String, endpoints: EndpointConfiguration) {
        self.init(
            transport: transport, region: region, endpoints: endpoints, clock: SystemClock(), jitter: SystemJitter(),
            retryPolicy: RetryPolicy())
    }

    /// With the clock, jitter (time, sleeping and backoff randomness: fakes in tests) and retry policy given.
    init(
        transport: any HTTPTransport, region: String, endpoints: EndpointConfiguration,
        clock: some RetryClock = SystemClock(), jitter: some JitterSource = SystemJitter(),
        retryPolicy: RetryPolicy = RetryPolicy()
    ) {
        self.transport = transport
        self.region = region
        self.endpoints = endpoints
        self.clock = clock
        self.jitter = jitter
        self.retryPolicy = retryPolicy
    }

    /// A signer for the requests of one round (one signing-key derivation for all of them).
    func signer(_ credentials: Credentials) -> SigV4.Signer {
        SigV4.Signer(credentials: credentials, region: region, service: Self.signingName)
    }

    /// A signed POST of `body` to operation `operation` at `baseURL`.
    func signedRequest(
        operation: String, baseURL: String, body: [UInt8], signer: inout SigV4.Signer, timeoutMilliseconds: Int64
    ) -> HTTPRequest {
        let request = HTTPRequest(
            method: "POST", url: baseURL + "/",
            headers: [
                (name: "Content-Type", value: Self.contentType),
                (name: "X-Amz-Target", value: Self.targetPrefix + operation),
            ],
            body: body, timeoutMilliseconds: Int(timeoutMilliseconds))
        return signer.sign(request, epochSeconds: clock.nowMilliseconds() / 1000)
    }

    func cacheKey(_ api: TimestreamAPI, _ credentials: Credentials) -> EndpointCache.Key {
        EndpointCache.Key(region: region, accessKeyID: credentials.accessKeyID, api: api)
    }

    /// The base URL for `api`: the fixed override, the cached discovery result, or a fresh `DescribeEndpoints`.
    /// https://docs.aws.amazon.com/timestream/latest/developerguide/Using-API.endpoint-discovery.html
    func resolveEndpoint(
        _ api: TimestreamAPI, credentials: Credentials, timeoutMilliseconds: Int64
    ) -> Result<String, TimestreamError> {
        let discoveryURL: String
        var scheme = "https"
        switch api == .write ? endpoints.write : endpoints.query {
        case .fixed(let url): return .success(url)
        case .discoverAt(let url):
            discoveryURL = url
            scheme = RequestURL(url)?.scheme ?? "https"  // http only when the operator chose it explicitly
        case .discover:
            // FIPS: the `-fips` hosts, except in GovCloud, whose regular hosts are its FIPS ones (botocore's
            // endpoint rules and `endpoints.json` name no other there).
            let fips = endpoints.useFIPS && AWSPartition(region: region).name != "aws-us-gov"
            discoveryURL = AWSPartition.regionalEndpoint("\(api.rawValue).timestream\(fips ? "-fips" : "")", region: region)
        }
        let key = EndpointCache.FlightKey(cacheKey(api, credentials), credentials)
        let now = clock.nowMilliseconds()
        switch endpointCache.withLock({ $0.claim(key, now: now) }) {
        case .cached(let baseURL): return .success(baseURL)
        case .join(let flight):
            return flight.wait(milliseconds: timeoutMilliseconds)
                ?? .failure(.transport(.timeout(
                    "waited \(timeoutMilliseconds) ms for another request's DescribeEndpoints to \(discoveryURL)")))
        case .lead(let flight):
            let outcome = discover(
                at: discoveryURL, scheme: scheme, credentials: credentials, timeoutMilliseconds: timeoutMilliseconds)
            let storedAt = clock.nowMilliseconds()
            let waiters = endpointCache.withLock { cache in
                if case .success(let endpoint) = outcome {
                    cache.store(key.key, baseURL: endpoint.baseURL, cacheMinutes: endpoint.cacheMinutes, now: storedAt)
                }
                return cache.land(key, flight)
            }
            let baseURL = outcome.map(\.baseURL)
            flight.finish(baseURL, waking: waiters)
            return baseURL
        }
    }

    /// One `DescribeEndpoints` call to `discoveryURL`: the first endpoint's base URL and cache period.
    private func discover(
        at discoveryURL: String, scheme: String, credentials: Credentials, timeoutMilliseconds: Int64
    ) -> Result<(baseURL: String, cacheMinutes: Int64), TimestreamError> {
        var signer = signer(credentials)
        let request = signedRequest(
            operation: "DescribeEndpoints", baseURL: discoveryURL, body: Array("{}".utf8), signer: &signer,
            timeoutMilliseconds: timeoutMilliseconds)
        let response: HTTPResponse
        switch transport.send(request) {
        case .failure(let error): return .failure(.transport(error))
        case .success(let value): response = value
        }
        guard (200..<300).contains(response.status) else {
            var error = ErrorResponseDecoding.decode(response)
            error.isDiscoveryFailure = !error.isRetryable && !error.isAuthFailure
            return .failure(error)
        }
        guard let endpoint = DescribeEndpointsResponse.decode(response.body)?.Endpoints.first,
            let baseURL = Self.discoveredBaseURL(endpoint.Address, scheme: scheme)
        else {
            return .failure(invalidResponse("DescribeEndpoints", response))
        }
        return .success((baseURL, endpoint.CachePeriodInMinutes))
    }

    /// `<scheme>://<address>` (Timestream returns a bare host name). The scheme is https unless the operator
    /// explicitly pointed discovery at an http:// URL (`.discoverAt`, e.g. a local stand-in).
    static func discoveredBaseURL(_ address: String, scheme: String) -> String? {
        let host = address.hasPrefix("https://") ? String(address.dropFirst(8)) : address
        guard let url = RequestURL("\(scheme)://" + host), url.path == "/", url.query.isEmpty else { return nil }
        return url.origin
    }

    func invalidResponse(_ operation: String, _ response: HTTPResponse) -> TimestreamError {
        TimestreamError(
            code: "InvalidResponse",
            message: "\(operation) answered \(response.status) with an unreadable body: "
                + ErrorResponseDecoding.summary(of: String(decoding: response.body, as: UTF8.self)),
            httpStatus: response.status, isRetryable: true)
    }
}
