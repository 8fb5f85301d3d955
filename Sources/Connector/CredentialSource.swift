import AWS

/// Where the credentials that sign a request's Timestream calls come from; the front door decides.
public enum CredentialSource: Sendable {
    /// The caller's own key pair, sent as basic auth (and an optional `X-Amz-Security-Token`) with every request:
    /// the Go connector's model. Never cached across requests.
    case requestHeaders
    /// The process's own identity (the Lambda function's role; a credential chain in the standalone server),
    /// asked for each request so that a provider may refresh. A failure is a deployment error (500), or a
    /// transient one of the credential chain (`.unavailable`: 503, Prometheus retries).
    case provider(@Sendable () -> Result<Credentials, CredentialsError>)
    /// The function's token mode: the request must carry a bearer token the gate accepts; Timestream calls are
    /// then signed with the process's own identity, as in `.provider`.
    case bearerToken(BearerTokenGate, role: @Sendable () -> Result<Credentials, CredentialsError>)

    /// The credentials for `request`, or the answer that refuses it.
    func credentials(for request: ServiceRequest) -> Result<Credentials, Refusal> {
        switch self {
        case .bearerToken(let gate, let role):
            if let refusal = gate.refusal(request.header("Authorization")) { return .failure(refusal) }
            return CredentialSource.provider(role).credentials(for: request)
        case .provider(let provide):
            switch provide() {
            case .success(let credentials): return .success(credentials)
            case .failure(.unavailable(let reason)):
                // A transient failure of the credential chain: 503, so Prometheus retries the same samples.
                return .failure(Refusal(.retryLater("no AWS credentials for now (will retry): \(reason)", afterSeconds: 5)))
            case .failure(let error):
                return .failure(.text(500, "enable_sigv4_auth is on but the function has no role credentials: \(error)"))
            }
        case .requestHeaders:
            if let authorization = request.header("Authorization"), authorization.hasPrefix("AWS4-HMAC-SHA256 ") {
                // Signed with SigV4: API Gateway's AWS_IAM authorization (a Go-connector function whose
                // enable_sigv4_auth defaulted to true) or Prometheus' sigv4. A 401 would make Prometheus drop
                // the batch over a setting: 500, so it retries while the operator sets it.
                return .failure(.text(
                    500,
                    "the request is signed with SigV4 (API Gateway's AWS_IAM authorization or Prometheus' sigv4), but the connector signs Timestream calls with each request's basic auth: set enable_sigv4_auth=true (--enable-sigv4-auth) to use its own role"))
            }
            do {
                return .success(try Credentials.fromRequestHeaders(request.headers))
            } catch {
                return .failure(
                    Refusal(
                        .text(
                            401,
                            "\(error): configure basic_auth in prometheus.yml with the AWS access key id as username and the secret access key as password",
                            headers: [(name: "WWW-Authenticate", value: "Basic realm=\"timestream\"")])))
            }
        }
    }

    /// Whether the calls are signed with the process's own identity (a refusal is then the operator's to fix).
    var isOwnIdentity: Bool {
        switch self {
        case .provider, .bearerToken: true
        case .requestHeaders: false
        }
    }
}
