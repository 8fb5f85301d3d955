import Testing

@testable import AWS

@testable import CredentialChain

@Suite struct ParsingTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-12-05T04:00:00Z", Int64(1_796_443_200_000)),
        ("2026-12-05T04:00:00.5Z", Int64(1_796_443_200_500)),
        ("2026-12-05T04:00:00.123456Z", Int64(1_796_443_200_123)),
        ("2026-12-05T06:00:00+02:00", Int64(1_796_443_200_000)),
        ("2000-02-29T23:59:59Z", Int64(951_868_799_000)),
        ("2026-12-05T06:00:00+0200", Int64(1_796_443_200_000)),
        ("2026-12-05T06:00:00+02", Int64(1_796_443_200_000)),
        ("2026-12-05T04:00:00+0000", Int64(1_796_443_200_000)),
        ("2026-12-04T23:30:00-04:30", Int64(1_796_443_200_000)),
        ("2026-12-04T23:30:00.250-0430", Int64(1_796_443_200_250)),
        ("2024-02-29T00:00:00Z", Int64(1_709_164_800_000)),
    ])
    func iso8601(_ text: String, _ expected: Int64) {
        #expect(ISO8601Timestamp.epochMilliseconds(text) == expected)
    }

    @Test(arguments: [
        "", "2026-12-05", "2026-12-05T04:00:00", "2026-13-05T04:00:00Z", "2026-12-05T04:00:00Zx", "2026-12-05T04:00:00.",
        // dates the calendar does not have
        "2026-02-29T04:00:00Z", "2026-02-30T04:00:00Z", "2026-04-31T04:00:00Z", "1900-02-29T00:00:00Z",
        // offsets that are not ±hh:mm, ±hhmm or ±hh
        "2026-12-05T04:00:00+2", "2026-12-05T04:00:00+02:0", "2026-12-05T04:00:00+020", "2026-12-05T04:00:00+02:00:00",
        "2026-12-05T04:00:00+24:00", "2026-12-05T04:00:00+02:60", "2026-12-05T04:00:00+02-00",
    ])
    func notISO8601(_ text: String) {
        #expect(ISO8601Timestamp.epochMilliseconds(text) == nil)
    }

    /// STS's documented example answer (trimmed), plus an entity in the token.
    @Test func stsAnswer() {
        let xml = """
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <Credentials>
                  <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE&amp;x&#43;</SessionToken>
                  <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
                  <Expiration>2014-10-24T23:00:23Z</Expiration>
                  <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
                </Credentials>
              </AssumeRoleWithWebIdentityResult>
            </AssumeRoleWithWebIdentityResponse>
            """
        #expect(XMLElementText.first("AccessKeyId", in: xml) == "ASgeIAIOSFODNN7EXAMPLE")
        #expect(XMLElementText.first("SessionToken", in: xml) == "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE&x+")
        #expect(XMLElementText.first("Expiration", in: xml) == "2014-10-24T23:00:23Z")
        #expect(XMLElementText.first("Missing", in: xml) == nil)
        // A '&' without a ';' after it is kept as it is, once.
        #expect(XMLElementText.decodeEntities("a&amp;b & c") == "a&b & c")
        #expect(XMLElementText.decodeEntities("x&y") == "x&y")
    }

    @Test func sharedFiles() {
        let config = SharedConfigFile(
            text: """
                # comment
                [default]
                region = us-east-1
                [profile prod]
                credential_process = /usr/bin/get-creds --role prod  # inline comment
                s3 =
                  max_concurrent_requests = 20
                [sso-session corp]
                sso_region = us-east-1
                """, kind: .config)
        #expect(config.profiles["default"] == ["region": "us-east-1"])
        #expect(config.profiles["prod"] == ["credential_process": "/usr/bin/get-creds --role prod", "s3": ""])
        #expect(config.profiles["sso-session corp"] == nil)
        #expect(config.profiles["corp"] == nil)
        let credentials = SharedConfigFile(
            text: "[prod]\r\naws_access_key_id=AKID\r\nAWS_Secret_Access_Key = abc#def\r\n; x\r\n", kind: .credentials)
        #expect(credentials.profiles["prod"] == ["aws_access_key_id": "AKID", "aws_secret_access_key": "abc#def"])
    }

    @Test func credentialDocument() throws {
        let body = Array(#"{"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"1970-01-01T00:00:01Z","Version":1}"#.utf8)
        let parsed = try CredentialDocument.credentials(body).get()
        #expect(parsed.credentials.accessKeyID == "A")
        #expect(parsed.credentials.sessionToken == "T")
        #expect(parsed.expirationEpochMilliseconds == 1000)
        #expect(CredentialDocument.members(body)?["Version"] == "1")
        #expect(throws: Never.self) { try CredentialDocument.credentials(Array(#"{"AccessKeyId":"A","SecretAccessKey":"S"}"#.utf8)).get() }
        guard case .failure(let reason) = CredentialDocument.credentials(Array(#"{"AccessKeyId":"A"}"#.utf8)) else {
            Issue.record("a document without a secret was accepted")
            return
        }
        #expect(reason.description == "the answer has no SecretAccessKey")
    }
}
