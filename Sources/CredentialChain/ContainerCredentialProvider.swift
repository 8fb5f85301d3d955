import AWS
import CurlHTTP

/// The container credentials endpoint: ECS task roles (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, served at
/// 169.254.170.2) and EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with an authorization token).
/// `GET <uri>` with `Authorization: <token>` answers `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`.
/// The token file is re-read on every fetch (EKS rotates it). As the SDKs do, a full URI must be https, or http to
/// a loopback address or one of the ECS/EKS link-local hosts.
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
struct ContainerCredentialProvider: CredentialProvider {
    static let ecsHost = "169.254.170.2"
    /// Hosts allowed over plain http (besides 127.0.0.0/8): ECS, EKS Pod Identity (IPv4 and IPv6), loopback.
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "[::1]", "localhost"]

    let name: String
    let url: String
    let token: Token?
    let transport: any HTTPTransport & Sendable

    enum Token: Sendable, Equatable {
        case value(String)
        case file(String)
    }

    /// Whether the chain should use this source: either URI variable is set.
    static func isConfigured(_ environment: [String: String]) -> Bool {
        !(environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] ?? "").isEmpty
            || !(environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] ?? "").isEmpty
    }

    /// From the environment; the relative URI wins over the full one, the token file over the token value.
    init(environment: [String: String], transport: any HTTPTransport & Sendable) throws(CredentialProviderError) {
        let source = "container credentials endpoint"
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            url = "http://\(Self.ecsHost)" + (relative.hasPrefix("/") ? relative : "/" + relative)
            name = "\(source) (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)"
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            // The value is never quoted (a `user:password@` or a path may be a secret): its origin at most.
            guard let parsed = RequestURL(full) else {
                throw CredentialProviderError(
                    source: "\(source) (AWS_CONTAINER_CREDENTIALS_FULL_URI)",
                    reason: "the value is not an http(s) URL of the form scheme://host[:port]/path (without user:password@)")
            }
            guard Self.isAllowed(parsed) else {
                throw CredentialProviderError(
                    source: "\(source) (AWS_CONTAINER_CREDENTIALS_FULL_URI)",
                    reason: "\(parsed.origin) is not allowed: use https, or http to a loopback address (or localhost), 169.254.170.2, 169.254.170.23 or [fd00:ec2::23]")
            }
            url = full
            name = "\(source) (AWS_CONTAINER_CREDENTIALS_FULL_URI=\(parsed.origin))"
        } else {
            throw CredentialProviderError(source: source, reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI is not set")
        }
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            token = .file(file)
        } else if let value = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !value.isEmpty {
            token = .value(value)
        } else {
            token = nil
        }
        self.transport = transport
    }

    static func isAllowed(_ url: RequestURL) -> Bool {
        if url.scheme == "https" { return true }
        guard url.scheme == "http" else { return false }
        let host = url.host.lowercased()
        if allowedHTTPHosts.contains(host) { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The endpoint as errors name it (they reach logs and 503 bodies): its origin, never the path, which on ECS
    /// holds the task's credential id.
    var shownURL: String { (RequestURL(url)?.origin ?? "the endpoint") + "/…" }

    func fetch() throws(CredentialProviderError) -> ExpiringCredentials {
        var headers: [(name: String, value: String)] = [(name: "Accept", value: "application/json")]
        switch token {
        case .value(let value): headers.append((name: "Authorization", value: value))
        case .file(let path):
            guard let text = FileText.read(path) else {
                throw CredentialProviderError(
                    source: name, reason: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path)")
            }
            headers.append((name: "Authorization", value: text.trimmingNewlines))
        case nil: break
        }
        var request = HTTPRequest(method: "GET", url: url, headers: headers, timeoutMilliseconds: 5_000)
        // The agent on this machine's link-local or loopback address: never through a proxy (an https full URI
        // elsewhere goes as any request).
        request.bypassesProxy = RequestURL(url).map { $0.scheme == "http" } ?? false
        switch transport.send(request) {
        case .failure(let error):
            throw CredentialProviderError(source: name, reason: "cannot reach \(shownURL): \(error)")
        case .success(let response):
            guard response.status == 200 else {
                throw CredentialProviderError(source: name, reason: "\(shownURL) answered HTTP \(response.status)")
            }
            switch CredentialDocument.credentials(response.body) {
            case .success(let credentials): return credentials
            case .failure(let reason): throw CredentialProviderError(source: name, reason: "\(reason)")
            }
        }
    }
}
