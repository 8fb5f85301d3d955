import CurlHTTP

/// The AWS SDKs' default credential chain: the first configured source, in their order — environment keys, web
/// identity, the shared files' profile, the container endpoint, EC2 instance metadata. A source counts as
/// configured by its settings (variables, the profile's presence), not by a network probe, so the choice is made
/// once at start, logged, and never changes during a run; instance metadata is the last resort unless
/// `AWS_EC2_METADATA_DISABLED=true`.
/// https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
public enum DefaultCredentialChain {
    /// The source to use. Throws when none is configured or the one chosen is misconfigured (a bad full URI, an
    /// `AWS_PROFILE` that names no profile), so the connector refuses to start with a reason.
    public static func resolve(
        environment: [String: String], region: String, transport: any HTTPTransport & Sendable,
        now: @escaping @Sendable () -> Int64
    ) throws(CredentialProviderError) -> any CredentialProvider {
        if EnvironmentCredentialProvider.isConfigured(environment) {
            return EnvironmentCredentialProvider(environment: environment)
        }
        if WebIdentityCredentialProvider.isConfigured(environment) {
            return try WebIdentityCredentialProvider(
                environment: environment, region: region, transport: transport, now: now)
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
            return ProfileCredentialProvider(profile: profile.profile, files: profile.files, settings: settings)
        }
        if let named = environment["AWS_PROFILE"], !named.isEmpty {
            // The SDKs fail rather than silently use another identity when the named profile is unusable.
            throw CredentialProviderError(
                source: "profile \(named)",
                reason: profile.settings == nil
                    ? "AWS_PROFILE names a profile that is in neither \(profile.files)"
                    : "the profile has no aws_access_key_id or credential_process")
        }
        if ContainerCredentialProvider.isConfigured(environment) {
            return try ContainerCredentialProvider(environment: environment, transport: transport)
        }
        if InstanceMetadataCredentialProvider.isEnabled(environment) {
            return try InstanceMetadataCredentialProvider(environment: environment, transport: transport, now: now)
        }
        throw CredentialProviderError(
            source: "credential chain",
            reason: "no source is configured (environment keys, AWS_WEB_IDENTITY_TOKEN_FILE, a profile, "
                + "AWS_CONTAINER_CREDENTIALS_*_URI) and AWS_EC2_METADATA_DISABLED=true")
    }
}
