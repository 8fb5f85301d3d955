import CurlHTTP

/// The AWS SDKs' default credential chain: the first configured source, in their order — environment keys, web
/// identity, the shared files' profile, the container endpoint, EC2 instance metadata. A source counts as
/// configured by its settings (variables, the profile's presence), not by a network probe, so the choice is made
/// once at start, logged, and never changes during a run; instance metadata is the last resort unless
/// `AWS_EC2_METADATA_DISABLED=true`.
/// https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
public enum DefaultCredentialChain {
    /// The source to use. Throws when none is configured or the one chosen is misconfigured (a bad full URI, an
    /// `AWS_PROFILE` that names no profile, a web identity token without its role, a key id without its secret in
    /// the environment, half a key pair in a profile), so the connector refuses to start with a reason.
    public static func resolve(
        environment: [String: String], region: String, transport: any HTTPTransport & Sendable,
        now: @escaping @Sendable () -> Int64
    ) throws(CredentialProviderError) -> any CredentialProvider {
        if EnvironmentCredentialProvider.isConfigured(environment) {
            return EnvironmentCredentialProvider(environment: environment)
        }
        if EnvironmentCredentialProvider.lacksSecret(environment) {
            // A key id means to give keys: not another identity.
            throw CredentialProviderError(
                source: "environment (AWS_ACCESS_KEY_ID)",
                reason: "AWS_SECRET_ACCESS_KEY is not set: set it, or unset AWS_ACCESS_KEY_ID")
        }
        if WebIdentityCredentialProvider.isConfigured(environment) {
            return try WebIdentityCredentialProvider(
                environment: environment, region: region, transport: transport, now: now)
        }
        if !(environment["AWS_WEB_IDENTITY_TOKEN_FILE"] ?? "").isEmpty {
            // A token without the role to assume is a broken injection (IRSA on EKS); the SDKs stop there rather
            // than sign as the node's or the container's own role.
            throw CredentialProviderError(
                source: "web identity",
                reason: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set the role to assume, or unset the token file")
        }
        let profile = ProfileCredentialProvider.settings(environment: environment)
        if let settings = profile.settings, case let unsupported = ProfileCredentialProvider.unsupportedSettings(settings),
            !unsupported.isEmpty
        {
            // The SDKs would use this profile's role (it wins over the profile's own keys, as their assume-role and
            // SSO providers come before the shared-file ones); anything else here would be another identity.
            throw CredentialProviderError(
                source: "profile \(profile.profile)",
                reason: "the profile sets \(unsupported.joined(separator: ", ")), which this connector does not support: give it aws_access_key_id or credential_process, or remove those settings")
        }
        if let settings = profile.settings, ProfileCredentialProvider.hasCredentials(settings) {
            if (settings["aws_secret_access_key"] ?? "").isEmpty && !(settings["aws_access_key_id"] ?? "").isEmpty {
                // Half a key pair would fail every refresh after a clean start; botocore stops here too.
                throw CredentialProviderError(
                    source: "profile \(profile.profile)",
                    reason: "aws_access_key_id is set but aws_secret_access_key is not (\(profile.files))")
            }
            return ProfileCredentialProvider(profile: profile.profile, files: profile.files, settings: settings)
        }
        if let named = ProfileCredentialProvider.named(environment: environment), profile.settings == nil {
            // The SDKs fail rather than silently use another identity when the named profile does not exist; one
            // that exists without credentials (a region, settings) passes on to the container and instance roles.
            throw CredentialProviderError(
                source: "profile \(named.profile)",
                reason: "\(named.variable) names a profile that is in neither \(profile.files)")
        }
        if ContainerCredentialProvider.isConfigured(environment) {
            return try ContainerCredentialProvider(environment: environment, transport: transport)
        }
        if InstanceMetadataCredentialProvider.isEnabled(environment) {
            return try InstanceMetadataCredentialProvider(environment: environment, transport: transport, now: now)
        }
        throw CredentialProviderError(
            source: "credential chain",
            reason: "no source is configured (environment keys, AWS_WEB_IDENTITY_TOKEN_FILE, a profile with "
                + "credentials, AWS_CONTAINER_CREDENTIALS_*_URI) and AWS_EC2_METADATA_DISABLED=true"
                + (profile.settings != nil ? "; profile \(profile.profile) has no aws_access_key_id or credential_process" : ""))
    }
}
