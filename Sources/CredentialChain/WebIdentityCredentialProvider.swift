import AWS
import CurlHTTP

/// EKS IAM roles for service accounts (IRSA) and any OIDC web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` +
/// `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`) → STS `AssumeRoleWithWebIdentity`, an unsigned Query-protocol POST
/// whose XML answer holds temporary credentials. The token file is re-read on every fetch (the kubelet rotates
/// it). STS is the regional endpoint (`AWS_REGION`), or `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` as the SDKs
/// read them (`EndpointConfiguration.sdkBaseURL`).
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
struct WebIdentityCredentialProvider: CredentialProvider {
    let name: String
    let tokenFile: String
    let roleARN: String
    let sessionName: String
    let endpoint: String
    let transport: any HTTPTransport & Sendable

    /// Whether the chain should use this source: the token file and the role are both named.
    static func isConfigured(_ environment: [String: String]) -> Bool {
        !(environment["AWS_WEB_IDENTITY_TOKEN_FILE"] ?? "").isEmpty && !(environment["AWS_ROLE_ARN"] ?? "").isEmpty
    }

    init(
        environment: [String: String], region: String, transport: any HTTPTransport & Sendable,
        now: @Sendable () -> Int64
    ) throws(CredentialProviderError) {
        tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] ?? ""
        roleARN = environment["AWS_ROLE_ARN"] ?? ""
        name = "web identity (AWS_ROLE_ARN=\(roleARN))"
        sessionName = environment["AWS_ROLE_SESSION_NAME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "timestream-prometheus-connector-\(now())"
        do {
            endpoint = (try EndpointConfiguration.sdkBaseURL(serviceVariable: "AWS_ENDPOINT_URL_STS", environment: environment)
                ?? AWSPartition.regionalEndpoint("sts", region: region)) + "/"
        } catch {
            throw CredentialProviderError(source: name, reason: "\(error)")
        }
        self.transport = transport
    }

    func fetch() throws(CredentialProviderError) -> ExpiringCredentials {
        guard let token = FileText.read(tokenFile)?.trimmingNewlines, !token.isEmpty else {
            throw CredentialProviderError(source: name, reason: "cannot read AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile)")
        }
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ("RoleSessionName", sessionName), ("WebIdentityToken", token),
        ].map { "\($0.0)=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
        let request = HTTPRequest(
            method: "POST", url: endpoint,
            headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(form.utf8), timeoutMilliseconds: 10_000)
        let response: HTTPResponse
        switch transport.send(request) {
        case .failure(let error): throw CredentialProviderError(source: name, reason: "cannot reach STS at \(endpoint): \(error)")
        case .success(let value): response = value
        }
        let xml = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else {
            let code = XMLElementText.first("Code", in: xml) ?? "HTTP \(response.status)"
            let message = XMLElementText.first("Message", in: xml).map { ": \($0)" } ?? ""
            throw CredentialProviderError(source: name, reason: "STS AssumeRoleWithWebIdentity failed with \(code)\(message)")
        }
        guard let keyID = XMLElementText.first("AccessKeyId", in: xml),
            let secret = XMLElementText.first("SecretAccessKey", in: xml),
            let sessionToken = XMLElementText.first("SessionToken", in: xml),
            let expiration = XMLElementText.first("Expiration", in: xml).flatMap(ISO8601Timestamp.epochMilliseconds)
        else {
            throw CredentialProviderError(source: name, reason: "STS answered without complete Credentials")
        }
        return ExpiringCredentials(
            Credentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: sessionToken),
            expirationEpochMilliseconds: expiration)
    }
}
