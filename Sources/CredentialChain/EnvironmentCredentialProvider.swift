import AWS

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`: long-term (or externally
/// managed) keys; never refreshed, as the SDKs read them once.
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-static-credentials.html
struct EnvironmentCredentialProvider: CredentialProvider {
    let name = "environment (AWS_ACCESS_KEY_ID)"
    let environment: [String: String]

    init(environment: [String: String]) { self.environment = environment }

    /// Whether the chain should use this source: both the key id and the secret are set.
    static func isConfigured(_ environment: [String: String]) -> Bool {
        !(environment["AWS_ACCESS_KEY_ID"] ?? "").isEmpty && !(environment["AWS_SECRET_ACCESS_KEY"] ?? "").isEmpty
    }

    /// Whether `AWS_ACCESS_KEY_ID` is set without `AWS_SECRET_ACCESS_KEY` (botocore's EnvProvider raises
    /// PartialCredentialsError then; a secret alone does not make the environment a source).
    static func lacksSecret(_ environment: [String: String]) -> Bool {
        !(environment["AWS_ACCESS_KEY_ID"] ?? "").isEmpty && (environment["AWS_SECRET_ACCESS_KEY"] ?? "").isEmpty
    }

    func fetch() throws(CredentialProviderError) -> ExpiringCredentials {
        do {
            return ExpiringCredentials(try Credentials.fromEnvironment(environment))
        } catch {
            throw CredentialProviderError(source: name, reason: "\(error)")
        }
    }
}
