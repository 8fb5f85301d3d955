@testable import AWS
import CurlHTTP
import Foundation
import Testing

@testable import CredentialChain

/// Which source the chain picks, by configuration only (no source is contacted while choosing).
@Suite struct ChainOrderTests {
    let transport = RecordingTransport { _ in .failure(.other(code: 0, message: "the chain must not call out while choosing")) }
    let clock = TestClock()

    func chosen(_ environment: [String: String]) throws(CredentialProviderError) -> any CredentialProvider {
        try DefaultCredentialChain.resolve(environment: environment, region: "eu-west-1", transport: transport, now: clock.function)
    }

    /// Every source configured at once, then removed one by one from the front: each time the next one wins.
    @Test func sdkOrder() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentialsFile = directory.appendingPathComponent("credentials")
        try "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n".write(to: credentialsFile, atomically: true, encoding: .utf8)
        var environment = [
            "HOME": directory.path,
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s",
            "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/prometheus",
            "AWS_SHARED_CREDENTIALS_FILE": credentialsFile.path,
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
        ]
        #expect(try chosen(environment) is EnvironmentCredentialProvider)
        environment["AWS_ACCESS_KEY_ID"] = nil  // a secret alone is not configured (a key id alone stops the start)
        let webIdentity = try chosen(environment)
        #expect(webIdentity is WebIdentityCredentialProvider)
        #expect((webIdentity as? WebIdentityCredentialProvider)?.endpoint == "https://sts.eu-west-1.amazonaws.com/")
        environment["AWS_ROLE_ARN"] = nil
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = nil
        #expect(try chosen(environment) is ProfileCredentialProvider)
        environment["AWS_SHARED_CREDENTIALS_FILE"] = directory.appendingPathComponent("absent").path
        let container = try chosen(environment)
        #expect((container as? ContainerCredentialProvider)?.url == "http://169.254.170.2/v2/credentials/abc")
        environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = nil
        let imds = try chosen(environment)
        #expect((imds as? InstanceMetadataCredentialProvider)?.endpoint == "http://169.254.169.254")
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] = "IPv6"
        #expect((try chosen(environment) as? InstanceMetadataCredentialProvider)?.endpoint == "http://[fd00:ec2::254]")
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        #expect(throws: CredentialProviderError.self) { try chosen(environment) }
        #expect(transport.requests.isEmpty)
    }

    /// STS's endpoint follows the SDKs' endpoint variables (`EndpointConfiguration.sdkBaseURL`): the service's own
    /// variable before `AWS_ENDPOINT_URL`, an empty one as unset, none under `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`,
    /// and a value that is not `scheme://host[:port]` stops the start, naming the variable.
    @Test func stsEndpointFollowsTheSDKsEndpointVariables() throws {
        let webIdentity = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/p"]
        func endpoint(_ variables: [String: String]) throws(CredentialProviderError) -> String? {
            (try chosen(webIdentity.merging(variables) { $1 }) as? WebIdentityCredentialProvider)?.endpoint
        }
        #expect(try endpoint([:]) == "https://sts.eu-west-1.amazonaws.com/")
        let china = try DefaultCredentialChain.resolve(
            environment: webIdentity, region: "cn-north-1", transport: transport, now: clock.function)
        #expect((china as? WebIdentityCredentialProvider)?.endpoint == "https://sts.cn-north-1.amazonaws.com.cn/")
        #expect(try endpoint(["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"]) == "http://127.0.0.1:5000/")
        let both = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_STS": "https://sts.example.com/"]
        #expect(try endpoint(both) == "https://sts.example.com/")
        #expect(try endpoint(both.merging(["AWS_ENDPOINT_URL_STS": ""]) { $1 }) == "http://127.0.0.1:5000/")
        #expect(try endpoint(both.merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"]) { $1 }) == "https://sts.eu-west-1.amazonaws.com/")
        // Only the variable that is used is checked: a bad generic one under a good STS one is never read.
        #expect(try endpoint(["AWS_ENDPOINT_URL": "not a url", "AWS_ENDPOINT_URL_STS": "http://[::1]:4566"]) == "http://[::1]:4566/")
        for (variable, value) in [("AWS_ENDPOINT_URL_STS", "https://sts.example.com/v1"), ("AWS_ENDPOINT_URL", "sts.example.com"), ("AWS_ENDPOINT_URL_STS", "https://sts.example.com/?a=b")] {
            #expect {
                try endpoint([variable: value])
            } throws: { error in
                "\(error)" == "web identity (AWS_ROLE_ARN=arn:aws:iam::123456789012:role/p): \(variable)=\(value) is not an absolute http(s) URL of the form scheme://host[:port]"
            }
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func aNamedProfileThatIsMissingStopsTheStart() throws {
        let environment = ["HOME": "/nonexistent", "AWS_PROFILE": "prod"]
        #expect {
            try chosen(environment)
        } throws: { error in
            "\(error)".contains("AWS_PROFILE names a profile that is in neither /nonexistent/.aws/credentials")
        }
    }

    /// `AWS_DEFAULT_PROFILE` names the profile when `AWS_PROFILE` does not, as in the SDK for Go v2 (it was ignored:
    /// the `default` keys, another identity, signed instead); `AWS_PROFILE` wins when both are set.
    @Test func awsDefaultProfileNamesTheProfileAfterAWSProfile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials")
        try "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = a\n[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = b\n"
            .write(to: credentials, atomically: true, encoding: .utf8)
        let files = ["AWS_SHARED_CREDENTIALS_FILE": credentials.path, "HOME": directory.path]
        let byDefaultProfile = try chosen(files.merging(["AWS_DEFAULT_PROFILE": "prod"]) { $1 })
        #expect((byDefaultProfile as? ProfileCredentialProvider)?.profile == "prod")
        let both = try chosen(files.merging(["AWS_DEFAULT_PROFILE": "prod", "AWS_PROFILE": "default"]) { $1 })
        #expect((both as? ProfileCredentialProvider)?.profile == "default")
        #expect {
            try chosen(files.merging(["AWS_DEFAULT_PROFILE": "staging"]) { $1 })
        } throws: { error in
            "\(error)".contains("profile staging: AWS_DEFAULT_PROFILE names a profile that is in neither")
        }
    }

    /// A web identity token without `AWS_ROLE_ARN` stops the start, as in the SDKs, instead of passing on to the
    /// container's or the node's own role (it fell through before).
    @Test func aWebIdentityTokenWithoutItsRoleStopsTheStart() throws {
        let environment = [
            "HOME": "/nonexistent", "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds",
        ]
        #expect {
            try chosen(environment)
        } throws: { error in
            "\(error)" == "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set the role to assume, or unset the token file"
        }
    }

    /// A key id without its secret in the environment stops the start (botocore's EnvProvider raises
    /// PartialCredentialsError) instead of passing on to the container's or the instance's own role; a secret
    /// alone, as in botocore, does not make the environment a source.
    @Test func aKeyIDWithoutItsSecretInTheEnvironmentStopsTheStart() throws {
        let others = ["HOME": "/nonexistent", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds"]
        #expect {
            try chosen(others.merging(["AWS_ACCESS_KEY_ID": "AKID"]) { $1 })
        } throws: { error in
            "\(error)" == "environment (AWS_ACCESS_KEY_ID): AWS_SECRET_ACCESS_KEY is not set: set it, or unset AWS_ACCESS_KEY_ID"
        }
        #expect(try chosen(others.merging(["AWS_SECRET_ACCESS_KEY": "s"]) { $1 }) is ContainerCredentialProvider)
        #expect(try chosen(others.merging(["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]) { $1 }) is ContainerCredentialProvider)
    }

    /// A named profile that exists but gives no credentials (only a region) passes on to the container endpoint,
    /// as in botocore and the SDK for Go v2 (it stopped the start before); half a key pair stops the start.
    @Test func aNamedProfileWithoutCredentialsPassesOnAndHalfAKeyPairStops() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try "[profile prod]\nregion = eu-west-1\n[profile half]\naws_access_key_id = AKIDHALF\n"
            .write(to: config, atomically: true, encoding: .utf8)
        var environment = [
            "AWS_PROFILE": "prod", "AWS_CONFIG_FILE": config.path, "HOME": directory.path,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds",
        ]
        #expect(try chosen(environment) is ContainerCredentialProvider)
        environment["AWS_PROFILE"] = "half"
        #expect {
            try chosen(environment)
        } throws: { error in
            "\(error)" == "profile half: aws_access_key_id is set but aws_secret_access_key is not (\(directory.path)/.aws/credentials, \(config.path))"
        }
    }

    @Test func profileInTheConfigFileAndCredentialsFileWins() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "[profile prod]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = c\nregion = x\n"
            .write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try "[prod]\naws_access_key_id = FROMCREDENTIALS\naws_secret_access_key = k\n"
            .write(to: directory.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        let provider = try chosen([
            "AWS_PROFILE": "prod", "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path,
            "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("credentials").path,
        ])
        let credentials = try provider.fetch()
        #expect(credentials.credentials == Credentials(accessKeyID: "FROMCREDENTIALS", secretAccessKey: "k"))
        #expect(credentials.expirationEpochMilliseconds == nil)
        #expect(provider.name.hasPrefix("profile prod (static keys"))
    }

    @Test func credentialProcess() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("creds.sh")
        try """
            #!/bin/sh
            echo "args: $1" >&2
            printf '{"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "sk", "SessionToken": "st", "Expiration": "2030-01-01T00:00:00Z"}'
            """.write(to: script, atomically: true, encoding: .utf8)
        let failing = directory.appendingPathComponent("fail.sh")
        try "#!/bin/sh\necho nope >&2\nexit 3\n".write(to: failing, atomically: true, encoding: .utf8)
        try "[profile p]\ncredential_process = /bin/sh \(script.path) --role p\n[profile bad]\ncredential_process = /bin/sh \(failing.path)\n"
            .write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let environment = ["AWS_PROFILE": "p", "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path, "HOME": directory.path]
        let fetched = try chosen(environment).fetch()
        #expect(fetched.credentials == Credentials(accessKeyID: "ASIAPROC", secretAccessKey: "sk", sessionToken: "st"))
        #expect(fetched.expirationEpochMilliseconds == ISO8601Timestamp.epochMilliseconds("2030-01-01T00:00:00Z"))
        var bad = environment
        bad["AWS_PROFILE"] = "bad"
        #expect {
            try chosen(bad).fetch()
        } throws: { error in
            "\(error)" == "profile bad (credential_process, \(directory.path)/.aws/credentials, \(directory.appendingPathComponent("config").path)): credential_process exited with status 3"
        }
    }

    /// A `default` profile that means to give credentials in a way not supported here (an assumed role, SSO) stops
    /// the start, as a named one does, instead of falling through to the container's or instance's own role; a
    /// `default` profile with only a region does not count as a source.
    @Test func anUnsupportedDefaultProfileIsNotPassedOver() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        let environment = ["AWS_CONFIG_FILE": config.path, "HOME": directory.path, "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds"]
        try "[default]\nregion = eu-west-1\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(try chosen(environment) is ContainerCredentialProvider)
        try "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Ec2InstanceMetadata\n".write(to: config, atomically: true, encoding: .utf8)
        #expect {
            try chosen(environment)
        } throws: { error in
            "\(error)" == "profile default: the profile sets role_arn, credential_source, which this connector does not support: give it aws_access_key_id or credential_process, or remove those settings"
        }
        // `aws login` writes only `login_session` into the profile: its credentials come from the CLI's cache.
        try "[default]\nlogin_session = arn:aws:iam::123456789012:user/u\nregion = eu-west-1\n".write(to: config, atomically: true, encoding: .utf8)
        #expect {
            try chosen(environment)
        } throws: { error in
            "\(error)".hasPrefix("profile default: the profile sets login_session, which this connector does not support")
        }
    }

    /// A profile with both keys and a role: the SDKs assume the role (their assume-role provider comes first), so
    /// signing with the keys would be another identity; refused, for a named profile as for `default`.
    @Test func aProfileWithKeysAndARoleIsNotUsedAsItsKeys() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try "[default]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = default\n[profile p]\naws_access_key_id = AKIDP\naws_secret_access_key = s\nrole_arn = arn:aws:iam::123456789012:role/p\nsource_profile = p\n"
            .write(to: config, atomically: true, encoding: .utf8)
        for (name, extra) in [("default", [String: String]()), ("p", ["AWS_PROFILE": "p"])] {
            let environment = ["AWS_CONFIG_FILE": config.path, "HOME": directory.path].merging(extra) { $1 }
            #expect {
                try chosen(environment)
            } throws: { error in
                "\(error)" == "profile \(name): the profile sets role_arn, source_profile, which this connector does not support: give it aws_access_key_id or credential_process, or remove those settings"
            }
        }
    }

    /// Endpoint values are never quoted in errors (they reach the start's log line and 503 bodies): a
    /// `user:password@` or an ECS credential path could be a secret (the whole value was quoted before).
    @Test func credentialEndpointValuesAreNotQuotedInErrors() {
        let cases = [
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://user:s3cret@127.0.0.1/creds"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/v2/credentials/s3cret"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://user:s3cret@169.254.169.254"),
        ]
        for (variable, value) in cases {
            #expect {
                if variable == "AWS_EC2_METADATA_SERVICE_ENDPOINT" {
                    _ = try InstanceMetadataCredentialProvider(environment: [variable: value], transport: transport, now: clock.function)
                } else {
                    _ = try ContainerCredentialProvider(environment: [variable: value], transport: transport)
                }
            } throws: { error in
                "\(error)".contains(variable) && !"\(error)".contains("s3cret")
            }
        }
    }

    /// A token request that times out (what a container on EC2 sees with the instance's default hop limit of 1) names
    /// the hop limit and the command that raises it; other transport failures do not.
    @Test func anIMDSTokenTimeoutNamesTheHopLimit() throws {
        for (failure, hinted) in [(TransportError.timeout("after 1000 ms"), true), (.connect("refused"), false)] {
            let silent = RecordingTransport { _ in .failure(failure) }
            let provider = try InstanceMetadataCredentialProvider(environment: [:], transport: silent, now: clock.function)
            #expect {
                try provider.fetch()
            } throws: { error in
                "\(error)".contains("cannot reach http://169.254.169.254") && "\(error)".contains("--http-put-response-hop-limit 2") == hinted
            }
        }
    }

    /// IMDS settings read as the SDKs read them; a value they refuse stops the start (an unknown mode was IPv4).
    @Test func instanceMetadataSettings() throws {
        func imds(_ environment: [String: String]) throws(CredentialProviderError) -> InstanceMetadataCredentialProvider {
            try InstanceMetadataCredentialProvider(environment: environment, transport: transport, now: clock.function)
        }
        let defaults = try imds([:])
        #expect(defaults.endpoint == "http://169.254.169.254" && defaults.timeoutMilliseconds == 1000 && defaults.attempts == 1)
        let set = try imds(["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv4", "AWS_METADATA_SERVICE_TIMEOUT": "0.5", "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "3"])
        #expect(set.endpoint == "http://169.254.169.254" && set.timeoutMilliseconds == 500 && set.attempts == 3)
        for (variable, value) in [("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv7"), ("AWS_METADATA_SERVICE_TIMEOUT", "0"), ("AWS_METADATA_SERVICE_TIMEOUT", "0.0004"), ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "many"), ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2.5")] {
            #expect {
                try imds([variable: value])
            } throws: { error in
                "\(error)".hasPrefix("instance metadata (IMDSv2): \(variable)=\(value) ")
            }
        }
    }

    @Test func fullURIHostsAreLimitedAsInTheSDKs() throws {
        for allowed in ["http://127.0.0.1:9/creds", "http://169.254.170.23/v1/credentials", "https://creds.example.com/x", "http://[fd00:ec2::23]/c", "http://localhost:80/c"] {
            #expect(throws: Never.self) { try ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": allowed], transport: transport) }
        }
        for refused in ["http://10.0.0.1/creds", "http://169.254.169.254/latest", "ftp://127.0.0.1/x", "http://127.0.0.1.evil.com/x"] {
            #expect(throws: CredentialProviderError.self) { try ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": refused], transport: transport) }
        }
    }
}
