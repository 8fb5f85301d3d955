import AWS

/// A profile of the shared files: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default` in `AWS_SHARED_CREDENTIALS_FILE`
/// (`~/.aws/credentials`) and `AWS_CONFIG_FILE` (`~/.aws/config`); the credentials file wins for a key set in
/// both. Static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) or `credential_process`
/// (its JSON `Version` 1 answer, refreshed by `Expiration` when it has one). Role chaining (`role_arn` with
/// `source_profile`), SSO and `web_identity_token_file` in a profile are not supported: the startup log says so.
/// https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html
struct ProfileCredentialProvider: CredentialProvider {
    let name: String
    let profile: String
    let settings: [String: String]

    /// The profile the environment names, as the Go SDK v2 reads it: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`
    /// (empty = unset); with the variable that named it, or `nil` for `default` by default.
    static func named(environment: [String: String]) -> (profile: String, variable: String)? {
        for variable in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
            if let profile = environment[variable], !profile.isEmpty { return (profile, variable) }
        }
        return nil
    }

    /// The profile's settings, or `nil` when neither file has the profile.
    static func settings(environment: [String: String]) -> (profile: String, files: String, settings: [String: String]?) {
        let home = environment["HOME"] ?? ""
        let profile = named(environment: environment)?.profile ?? "default"
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(home)/.aws/credentials"
        let configPath = environment["AWS_CONFIG_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.aws/config"
        let config = FileText.read(configPath).map { SharedConfigFile(text: $0, kind: .config) }
        let credentials = FileText.read(credentialsPath).map { SharedConfigFile(text: $0, kind: .credentials) }
        let files = "\(credentialsPath), \(configPath)"
        guard config?.profiles[profile] != nil || credentials?.profiles[profile] != nil else {
            return (profile, files, nil)
        }
        var merged = config?.profiles[profile] ?? [:]
        for (key, value) in credentials?.profiles[profile] ?? [:] { merged[key] = value }
        return (profile, files, merged)
    }

    /// The profile's credential settings this connector does not implement (assumed roles, SSO, `aws login`'s
    /// `login_session`, web identity in a profile): a profile that has one means to give credentials, so it must
    /// not be passed over silently.
    static func unsupportedSettings(_ settings: [String: String]) -> [String] {
        [
            "role_arn", "source_profile", "credential_source", "sso_session", "sso_start_url", "login_session",
            "web_identity_token_file",
        ]
            .filter { !(settings[$0] ?? "").isEmpty }
    }

    /// Whether `settings` can give credentials (static keys or a process).
    static func hasCredentials(_ settings: [String: String]) -> Bool {
        !(settings["aws_access_key_id"] ?? "").isEmpty || !(settings["credential_process"] ?? "").isEmpty
    }

    init(profile: String, files: String, settings: [String: String]) {
        self.profile = profile
        self.settings = settings
        let kind = (settings["aws_access_key_id"] ?? "").isEmpty ? "credential_process" : "static keys"
        self.name = "profile \(profile) (\(kind), \(files))"
    }

    func fetch() throws(CredentialProviderError) -> ExpiringCredentials {
        if let keyID = settings["aws_access_key_id"], !keyID.isEmpty {
            guard let secret = settings["aws_secret_access_key"], !secret.isEmpty else {
                throw CredentialProviderError(source: name, reason: "aws_access_key_id is set but aws_secret_access_key is not")
            }
            let token = settings["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
            return ExpiringCredentials(Credentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token))
        }
        guard let command = settings["credential_process"], !command.isEmpty else {
            throw CredentialProviderError(source: name, reason: "the profile has neither keys nor credential_process")
        }
        let status: Int32, output: [UInt8]
        switch CredentialProcess.run(command) {
        case .success(let ran): (status, output) = ran
        case .failure(.cannotStart): throw CredentialProviderError(source: name, reason: "cannot start credential_process")
        case .failure(.timedOut(let milliseconds)):
            throw CredentialProviderError(source: name, reason: "credential_process did not finish within \(milliseconds / 1000) s (killed)")
        case .failure(.outputTooLarge):
            throw CredentialProviderError(
                source: name, reason: "credential_process printed more than \(CredentialProcess.maxOutputBytes) bytes (killed)")
        }
        guard status == 0 else {
            throw CredentialProviderError(source: name, reason: "credential_process exited with status \(status)")
        }
        guard CredentialDocument.members(output)?["Version"] == "1" else {
            throw CredentialProviderError(source: name, reason: "credential_process did not print a JSON object with \"Version\": 1")
        }
        switch CredentialDocument.credentials(output, tokenMember: "SessionToken") {
        case .success(let credentials): return credentials
        case .failure(let reason): throw CredentialProviderError(source: name, reason: "credential_process: \(reason)")
        }
    }
}
