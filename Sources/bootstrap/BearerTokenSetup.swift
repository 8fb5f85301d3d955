import AWS
import Connector
import CurlHTTP
import LambdaRuntime

/// The token mode's gate: the tokens are the secret's `AWSCURRENT` value and, while a rotation is under way, its
/// `AWSPREVIOUS` one (absent until the first rotation), read with the function's role.
func bearerTokenGate(
    secretID: String, role: Result<Credentials, CredentialsError>, transport: HTTPClient, region: String,
    environment: [String: String]
) throws -> BearerTokenGate {
    let secrets = try SecretsManagerClient(transport: transport, region: region, environment: environment)
    return BearerTokenGate(origin: "Secrets Manager secret \(secretID)", now: { SystemClock().nowMilliseconds() }) {
        let credentials: Credentials
        switch role {
        case .success(let value): credentials = value
        case .failure(let error):
            return .failure(SecretsManagerError(code: "NoRoleCredentials", message: "\(error)", httpStatus: nil))
        }
        var tokens: [String] = []
        switch secrets.secretString(secretID, credentials: credentials) {
        case .success(let current): tokens.append(current)
        case .failure(let error): return .failure(error)
        }
        switch secrets.secretString(secretID, versionStage: "AWSPREVIOUS", credentials: credentials) {
        case .success(let previous): tokens.append(previous)
        case .failure(let error) where error.code == "ResourceNotFoundException": break  // never rotated
        case .failure(let error): return .failure(error)
        }
        return .success(tokens)
    }
}
