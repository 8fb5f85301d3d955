import CurlHTTP
import TextCodecs

/// Secrets Manager's `GetSecretValue` (AWS JSON 1.1, `X-Amz-Target: secretsmanager.GetSecretValue`, SigV4 service
/// `secretsmanager`): what the function needs to read its bearer token with its own role. Nothing else.
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
package struct SecretsManagerClient: Sendable {
    package static let signingName = "secretsmanager"
    package let endpoint: String
    let region: String
    let transport: any HTTPTransport & Sendable
    /// Epoch milliseconds, for the signature's date.
    let now: @Sendable () -> Int64

    /// The regional endpoint, or `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL` (unless
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), as the SDKs read them.
    /// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
    package init(
        transport: any HTTPTransport & Sendable, region: String, environment: [String: String],
        now: @escaping @Sendable () -> Int64 = { SystemClock().nowMilliseconds() }
    ) throws(EndpointConfigurationError) {
        self.endpoint =
            try EndpointConfiguration.sdkBaseURL(serviceVariable: "AWS_ENDPOINT_URL_SECRETS_MANAGER", environment: environment)
            ?? AWSPartition.regionalEndpoint("secretsmanager", region: region)
        self.region = region
        self.transport = transport
        self.now = now
    }

    /// The `SecretString` of `secretID` at `versionStage` (`AWSCURRENT` when nil), read with `credentials`.
    package func secretString(
        _ secretID: String, versionStage: String? = nil, credentials: Credentials
    ) -> Result<String, SecretsManagerError> {
        var body = JSONWriter(reservingCapacity: 128)
        body.raw("{\"SecretId\":")
        body.string(secretID)
        if let versionStage {
            body.raw(",\"VersionStage\":")
            body.string(versionStage)
        }
        body.raw("}")
        var signer = SigV4.Signer(credentials: credentials, region: region, service: Self.signingName)
        let request = signer.sign(
            HTTPRequest(
                method: "POST", url: endpoint + "/",
                headers: [
                    (name: "Content-Type", value: "application/x-amz-json-1.1"),
                    (name: "X-Amz-Target", value: "secretsmanager.GetSecretValue"),
                ],
                body: body.bytes, timeoutMilliseconds: 5_000),
            epochSeconds: now() / 1000)
        switch transport.send(request) {
        case .failure(let error):
            return .failure(SecretsManagerError(code: "Transport", message: "\(error)", httpStatus: nil))
        case .success(let response) where (200..<300).contains(response.status):
            guard let secret = Self.secretString(in: response.body) else {
                return .failure(
                    SecretsManagerError(code: "InvalidResponse", message: "no SecretString in the answer", httpStatus: response.status))
            }
            return .success(secret)
        case .success(let response):
            let error = ErrorResponseDecoding.decode(response)
            return .failure(SecretsManagerError(code: error.code, message: error.message, httpStatus: response.status))
        }
    }

    static func secretString(in body: [UInt8]) -> String? {
        body.withUnsafeBufferPointer { bytes -> String? in
            var scanner = JSONScanner(bytes)
            var secret: String?
            do {
                try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                    if name == "SecretString" {
                        secret = try scanner.consumeNull() ? nil : scanner.string()
                    } else {
                        try scanner.skipValue()
                    }
                }
            } catch {
                return nil
            }
            return secret
        }
    }
}

/// A failed `GetSecretValue`: the service's error code (`ResourceNotFoundException`, `AccessDeniedException`, …)
/// and message. Never contains the secret.
public struct SecretsManagerError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: String
    var message: String
    var httpStatus: Int?

    public init(code: String, message: String, httpStatus: Int?) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    public var description: String { message.isEmpty ? code : "\(code): \(message)" }
}
