import AWS

/// Where the credentials that sign a request's Timestream calls come from; the front door decides.
public enum CredentialSource: Sendable {
    /// The caller's own key pair, sent as basic auth (and an optional `X-Amz-Security-Token`) with every request:
    /// the Go connector's model. Never cached across requests.
    case requestHeaders
    /// The process's own identity (the Lambda function's role; a credential chain in the standalone server),
    /// asked for each request so that a provider may refresh. A failure is a deployment error (500).
    case provider(@Sendable () -> Result<Credentials, CredentialsError>)

    /// The credentials for `request`, or the answer that refuses it.
    func credentials(for request: ServiceRequest) -> Result<Credentials, Refusal> {
        switch self {
        case .provider(let provide):
            switch provide() {
            case .success(let credentials): return .success(credentials)
            case .failure(let error):
                return .failure(.text(500, "enable_sigv4_auth is on but the function has no role credentials: \(error)"))
            }
        case .requestHeaders:
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
        if case .provider = self { return true }
        return false
    }
}
