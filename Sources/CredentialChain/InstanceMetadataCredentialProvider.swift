import AWS
import CurlHTTP
import Synchronization

/// EC2 instance metadata (IMDSv2 only): `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds`,
/// then with `X-aws-ec2-metadata-token` `GET /latest/meta-data/iam/security-credentials/` (the role name) and
/// `…/security-credentials/<role>` (`{"Code": "Success", "AccessKeyId", "SecretAccessKey", "Token",
/// "Expiration"}`). The session token is kept until one minute before its TTL ends, and fetched again after a 401.
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` / `_ENDPOINT_MODE` choose the endpoint; `AWS_METADATA_SERVICE_TIMEOUT`
/// (seconds, default 1) and `AWS_METADATA_SERVICE_NUM_ATTEMPTS` (default 1; a failed connection or a 5xx is tried
/// again) bound each call, as in the SDKs. Unlike the SDKs there is no IMDSv1
/// fallback: an instance that requires IMDSv1 is misconfigured (AWS recommends requiring v2).
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-credentials.html
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ec2-instance-metadata.html
final class InstanceMetadataCredentialProvider: CredentialProvider {
    /// Lifetime asked for each session token (6 hours, the SDKs' default and IMDS's maximum).
    static let tokenTTLSeconds: Int64 = 21_600
    static let tokenTTLHeader = "X-aws-ec2-metadata-token-ttl-seconds"
    static let tokenHeader = "X-aws-ec2-metadata-token"

    let name: String
    /// IMDS keys stay usable while the service is down, as the SDKs use them (`CredentialProvider`).
    let isStaticallyStable = true
    let endpoint: String
    let transport: any HTTPTransport & Sendable
    let now: @Sendable () -> Int64
    let timeoutMilliseconds: Int
    let attempts: Int
    private let session = Mutex<(token: String, expires: Int64)?>(nil)

    /// Whether the chain may use this source: unless `AWS_EC2_METADATA_DISABLED=true`.
    static func isEnabled(_ environment: [String: String]) -> Bool {
        environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true"
    }

    init(
        environment: [String: String], transport: any HTTPTransport & Sendable, now: @escaping @Sendable () -> Int64
    ) throws(CredentialProviderError) {
        var endpoint = "http://169.254.169.254"
        if let custom = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"], !custom.isEmpty {
            guard let url = RequestURL(custom) else {
                throw CredentialProviderError(
                    source: "instance metadata (IMDSv2)",
                    reason: "AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL of the form scheme://host[:port] (its value is not shown)")
            }
            endpoint = url.origin
        } else {
            let mode = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] ?? ""
            switch mode.lowercased() {
            case "", "ipv4": break
            case "ipv6": endpoint = "http://[fd00:ec2::254]"
            default:
                throw CredentialProviderError(
                    source: "instance metadata (IMDSv2)",
                    reason: "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=\(mode) is neither IPv4 nor IPv6")
            }
        }
        func setting(_ variable: String, _ read: (String) -> Double?, _ what: String) throws(CredentialProviderError) -> Double? {
            guard let text = environment[variable], !text.isEmpty else { return nil }
            guard let value = read(text), value.isFinite, value >= 0.001, value <= 3600 else {
                throw CredentialProviderError(source: "instance metadata (IMDSv2)", reason: "\(variable)=\(text) is not \(what)")
            }
            return value
        }
        let seconds = try setting("AWS_METADATA_SERVICE_TIMEOUT", { Double($0) }, "a number of seconds from 0.001 to 3600")
        timeoutMilliseconds = Int(((seconds ?? 1) * 1000).rounded(.up))
        attempts = Int(try setting("AWS_METADATA_SERVICE_NUM_ATTEMPTS", { Int($0).map(Double.init) }, "a whole number from 1 to 3600") ?? 1)
        self.endpoint = endpoint
        self.name = "instance metadata (IMDSv2 at \(endpoint))"
        self.transport = transport
        self.now = now
    }

    func fetch() throws(CredentialProviderError) -> ExpiringCredentials {
        let path = "/latest/meta-data/iam/security-credentials/"
        let listing = try get(path)
        guard let role = String(decoding: listing, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init),
            !role.isEmpty
        else {
            throw CredentialProviderError(source: name, reason: "the instance has no IAM role (instance profile)")
        }
        let document = try get(path + role)
        if let code = CredentialDocument.members(document)?["Code"], code != "Success" {
            throw CredentialProviderError(source: name, reason: "role \(role) answered Code \(code)")
        }
        switch CredentialDocument.credentials(document) {
        case .success(let credentials): return credentials
        case .failure(let reason): throw CredentialProviderError(source: name, reason: "role \(role): \(reason)")
        }
    }

    /// `GET path` with a session token; a 401 (token expired or revoked) gets a new token and one more try.
    private func get(_ path: String) throws(CredentialProviderError) -> [UInt8] {
        for attempt in 0..<2 {
            let token = try sessionToken(renew: attempt > 0)
            let request = HTTPRequest(
                method: "GET", url: endpoint + path, headers: [(name: Self.tokenHeader, value: token)],
                timeoutMilliseconds: timeoutMilliseconds)
            switch send(request) {
            case .failure(let error): throw CredentialProviderError(source: name, reason: "GET \(path): \(error)")
            case .success(let response) where response.status == 200: return response.body
            case .success(let response) where response.status == 401 && attempt == 0: continue
            case .success(let response):
                throw CredentialProviderError(source: name, reason: "GET \(path) answered HTTP \(response.status)")
            }
        }
        throw CredentialProviderError(source: name, reason: "GET \(path) answered HTTP 401 with a fresh token")
    }

    /// `request`, sent again after a failed connection or a 5xx while attempts are left; never through a proxy
    /// (a proxy would reach its own machine's metadata service, and see the session token).
    private func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        var request = request
        request.bypassesProxy = true
        var result = transport.send(request)
        for _ in 1..<max(attempts, 1) {
            if case .success(let response) = result, response.status < 500 { break }
            result = transport.send(request)
        }
        return result
    }

    private func sessionToken(renew: Bool) throws(CredentialProviderError) -> String {
        let current = now()
        if !renew, let kept = session.withLock({ $0 }), current < kept.expires { return kept.token }
        let request = HTTPRequest(
            method: "PUT", url: endpoint + "/latest/api/token",
            headers: [(name: Self.tokenTTLHeader, value: String(Self.tokenTTLSeconds))],
            timeoutMilliseconds: timeoutMilliseconds)
        switch send(request) {
        case .failure(.timeout(let message)):
            // The usual cause in a container on EC2: the token's answer is dropped one hop short of the container.
            throw CredentialProviderError(
                source: name,
                reason: "cannot reach \(endpoint): \(TransportError.timeout(message)) (in a container, the instance's metadata hop limit must be at least 2: aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2)")
        case .failure(let error):
            throw CredentialProviderError(source: name, reason: "cannot reach \(endpoint): \(error)")
        case .success(let response):
            guard response.status == 200, !response.body.isEmpty else {
                throw CredentialProviderError(
                    source: name, reason: "PUT /latest/api/token answered HTTP \(response.status)")
            }
            let token = String(decoding: response.body, as: UTF8.self)
            // The TTL the service granted (its answer header), else the one asked; renewed a minute early.
            let ttl = response.header(Self.tokenTTLHeader).flatMap { Int64($0) } ?? Self.tokenTTLSeconds
            session.withLock { $0 = (token, current + max(0, ttl - 60) * 1000) }
            return token
        }
    }
}
