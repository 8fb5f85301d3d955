#if canImport(Glibc)
    import Glibc
#endif

/// Where the Timestream write (ingest) and query calls go.
public struct EndpointConfiguration: Equatable, Sendable {
    /// How one API's endpoint is found.
    package enum Source: Equatable, Sendable {
        /// `DescribeEndpoints` on the regional host, `https://ingest|query.timestream.<region>.<suffix>`, with the
        /// DNS suffix of the region's partition (`AWSPartition`: `amazonaws.com`, `amazonaws.com.cn` for `cn-*`, …).
        /// https://docs.aws.amazon.com/timestream/latest/developerguide/Using-API.endpoint-discovery.html
        case discover
        /// `DescribeEndpoints` on this base URL instead (stand-ins in tests). The discovered
        /// address is used with this URL's scheme (so http only when chosen explicitly here).
        case discoverAt(String)
        /// Send every call to this base URL; no discovery (VPC/PrivateLink endpoints, moto). http:// is allowed
        /// here only.
        case fixed(String)
    }

    package var write: Source
    package var query: Source
    /// `AWS_USE_FIPS_ENDPOINT=true`: `.discover` asks the FIPS discovery hosts,
    /// `https://ingest|query.timestream-fips.<region>.<suffix>`, in GovCloud the regular hosts, which are FIPS there
    /// (as botocore names them; `TimestreamClient.resolveEndpoint`).
    package var useFIPS: Bool
    /// `AWS_CA_BUNDLE`: a PEM file of the certificate authorities AWS calls trust instead of the system's (a
    /// TLS-inspecting proxy, a private endpoint), as the AWS SDKs and CLI read it; nil = the system's store.
    package var caBundlePath: String?

    /// Each API's source given (stand-ins in tests and benchmarks).
    package init(write: Source = .discover, query: Source = .discover, useFIPS: Bool = false, caBundlePath: String? = nil) {
        self.write = write
        self.query = query
        self.useFIPS = useFIPS
        self.caBundlePath = caBundlePath
    }

    /// From the environment (and `AWS_USE_FIPS_ENDPOINT`). Per API, the first non-empty of:
    /// the Go connector's `write_base_endpoint` / `query_base_endpoint`; then the AWS SDK's
    /// `AWS_ENDPOINT_URL_TIMESTREAM_WRITE` / `AWS_ENDPOINT_URL_TIMESTREAM_QUERY`, then `AWS_ENDPOINT_URL`
    /// (both ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`,
    /// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). Otherwise discovery.
    public init(environment: [String: String]) throws(EndpointConfigurationError) {
        func pick(_ connector: String, _ service: String) throws(EndpointConfigurationError) -> Source {
            if let value = environment[connector], !value.isEmpty {
                return .fixed(try Self.validatedBaseURL(value, variable: connector))
            }
            return try Self.sdkBaseURL(serviceVariable: service, environment: environment).map(Source.fixed) ?? .discover
        }
        self.write = try pick("write_base_endpoint", "AWS_ENDPOINT_URL_TIMESTREAM_WRITE")
        self.query = try pick("query_base_endpoint", "AWS_ENDPOINT_URL_TIMESTREAM_QUERY")
        // https://docs.aws.amazon.com/sdkref/latest/guide/feature-endpoints.html (an endpoint URL wins over it)
        switch environment["AWS_USE_FIPS_ENDPOINT"]?.lowercased() ?? "" {
        case "", "false": self.useFIPS = false
        case "true": self.useFIPS = true
        default: throw .invalidFIPSSetting(environment["AWS_USE_FIPS_ENDPOINT"] ?? "")
        }
        self.caBundlePath = environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
        if let path = caBundlePath, !Self.holdsCertificates(path) { throw .unreadableCABundle(path) }
    }

    /// Whether `path` is a readable regular file with a PEM certificate in its first 1 MB (not a directory of them,
    /// as a CA path is: every TLS call would fail).
    static func holdsCertificates(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, let file = fopen(path, "rb") else { return false }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        let count = fread(&bytes, 1, bytes.count, file)
        let marker = Array("-----BEGIN CERTIFICATE-----".utf8)
        guard count >= marker.count else { return false }
        return (0...(count - marker.count)).contains { start in bytes[start..<(start + marker.count)].elementsEqual(marker) }
    }

    /// The base URL the AWS SDKs' endpoint variables set for one service: the first non-empty of
    /// `serviceVariable` (`AWS_ENDPOINT_URL_<SERVICE>`) and `AWS_ENDPOINT_URL`, validated; nil when neither is set
    /// or `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`
    /// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
    package static func sdkBaseURL(
        serviceVariable: String, environment: [String: String]
    ) throws(EndpointConfigurationError) -> String? {
        guard environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() != "true" else { return nil }
        for name in [serviceVariable, "AWS_ENDPOINT_URL"] {
            if let value = environment[name], !value.isEmpty { return try validatedBaseURL(value, variable: name) }
        }
        return nil
    }

    /// `value` as `scheme://host[:port]` (a trailing `/` dropped); an error when it is not an absolute http(s) URL
    /// or carries a path, query or credentials.
    static func validatedBaseURL(_ value: String, variable: String) throws(EndpointConfigurationError) -> String {
        guard let url = RequestURL(value), url.query.isEmpty, url.path == "/" else {
            throw .invalidURL(variable: variable, value: value)
        }
        return url.origin
    }
}

/// An endpoint override that is not a usable base URL.
public enum EndpointConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidURL(variable: String, value: String)
    case invalidFIPSSetting(String)
    /// `AWS_CA_BUNDLE` names no readable PEM file of certificates: every TLS call would fail.
    case unreadableCABundle(String)

    /// `value` with everything before its last `@` (after a `scheme://`, if any) replaced, so a refused URL that
    /// carries credentials (`user:password@`, a password with `/` in it too) can be logged. Refused values only:
    /// a path with an `@` is cut as well.
    package static func withoutCredentials(_ value: String) -> String {
        guard let at = value.lastIndex(of: "@") else { return value }
        let start = value.firstRange(of: "://").map(\.upperBound) ?? value.startIndex
        guard start <= at else { return value }
        return String(value[..<start]) + "<credentials>" + String(value[at...])
    }

    public var description: String {
        switch self {
        case .invalidURL(let variable, let value):
            "\(variable)=\(Self.withoutCredentials(value)) is not an absolute http(s) URL of the form scheme://host[:port]"
        case .invalidFIPSSetting(let value):
            "AWS_USE_FIPS_ENDPOINT=\(value) is neither true nor false"
        case .unreadableCABundle(let path):
            "AWS_CA_BUNDLE=\(path) is not a readable PEM file of certificates: give the file of certificate authorities (not a directory), or unset it"
        }
    }
}
