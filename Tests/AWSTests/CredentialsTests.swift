@testable import AWS
import Foundation
import Testing

@Suite struct CredentialsTests {
    func basic(_ userPassword: String) -> String { "Basic " + Data(userPassword.utf8).base64EncodedString() }

    @Test func basicHeaderSplitsAtFirstColon() throws {
        let credentials = try Credentials.fromBasicAuthorization(basic("AKID:se:cr/et+=="))
        #expect(credentials == Credentials(accessKeyID: "AKID", secretAccessKey: "se:cr/et+==", sessionToken: nil))
    }

    @Test(arguments: ["Basic", "basic", "BASIC", "bAsIc"]) func schemeIsCaseInsensitive(_ scheme: String) throws {
        let header = "\(scheme)  " + Data("k:s".utf8).base64EncodedString() + " "
        #expect(try Credentials.fromBasicAuthorization(header).accessKeyID == "k")
    }

    @Test func sessionTokenFromHeaderAndEmptyMeansNone() throws {
        let headers: [(name: String, value: String)] = [
            (name: "authorization", value: basic("ASIA:s")), (name: "x-amz-security-token", value: "tok"),
        ]
        #expect(try Credentials.fromRequestHeaders(headers).sessionToken == "tok")
        #expect(try Credentials.fromBasicAuthorization(basic("k:s"), sessionToken: "").sessionToken == nil)
        #expect(throws: CredentialsError.invalidSessionToken) {
            try Credentials.fromBasicAuthorization(basic("k:s"), sessionToken: "tok\r\nX-Injected: 1")
        }
        // A secret is only a signing key, never sent: any character.
        #expect(try Credentials.fromBasicAuthorization(basic("k:s p/é\t")).secretAccessKey == "s p/é\t")
    }

    @Test func eachMalformedHeaderHasItsError() {
        let cases: [(String?, CredentialsError)] = [
            (nil, .missingAuthorization), ("", .missingAuthorization), ("   ", .missingAuthorization),
            ("Bearer abc", .notBasic), ("Basic", .invalidBase64), ("Basicx a2V5OnM=", .notBasic),
            ("Basic !!!notbase64", .invalidBase64), ("Basic ", .invalidBase64),
            ("Basic " + Data([0xFF, 0x3A, 0x61]).base64EncodedString(), .invalidBase64),
            (basic("nocolon"), .missingColon), (basic(":secret"), .emptyAccessKeyID),
            (basic("key:"), .emptySecretAccessKey),
            (basic("AK ID:s"), .invalidAccessKeyID), (basic("AKID\r\nX-Injected: 1:s"), .invalidAccessKeyID),
            (basic("AK/ID:s"), .invalidAccessKeyID), (basic("AKIDé:s"), .invalidAccessKeyID),
        ]
        for (header, error) in cases {
            #expect(throws: error, "header \(header ?? "nil")") { try Credentials.fromBasicAuthorization(header) }
        }
    }

    @Test func environmentAsLambdaSetsIt() throws {
        let env = ["AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"]
        #expect(
            try Credentials.fromEnvironment(env)
                == Credentials(accessKeyID: "ASIAENV", secretAccessKey: "s", sessionToken: "t"))
        #expect(
            try Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"]).sessionToken
                == nil)
        #expect(throws: CredentialsError.missingEnvironment("AWS_ACCESS_KEY_ID")) {
            try Credentials.fromEnvironment([:])
        }
        #expect(throws: CredentialsError.missingEnvironment("AWS_SECRET_ACCESS_KEY")) {
            try Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": ""])
        }
    }

    @Test func descriptionNeverShowsSecrets() {
        let text = "\(Credentials(accessKeyID: "AKID", secretAccessKey: "topsecret", sessionToken: "tokentoken"))"
        #expect(text.contains("AKID") && !text.contains("topsecret") && !text.contains("tokentoken"))
    }
}

/// Basic credentials are decoded by `Base64` now; they must be accepted exactly when Foundation's decoder (used
/// before) accepted them.
@Suite struct CredentialsBase64Tests {
    @Test(arguments: [
        "a2V5OnM=", "a2V5OnM", "a2V5OnM==", "a2V5OnNl", "a2V5OnNlYw==", "a2V5OnNlYw", "a2V5OnNlYw=", "a2V5O nM=",
        "a2V5OnM=a2V5", "=a2V5OnM", "a2V5-nM=", "a2V5_nM=", "a2V5OnN=", "a2V5OnM/", "YQ==", "YR==",
        "a2V5OnM===", "a2V5OnNl=", "a2V5OnNlYw===", "a2V5OnNlYw====", "=",
    ]) func sameAcceptanceAsFoundation(_ encoded: String) {
        let foundation = Data(base64Encoded: encoded).flatMap { String(bytes: $0, encoding: .utf8) }
        let ours = try? Credentials.fromBasicAuthorization("Basic " + encoded)
        if let foundation, let colon = foundation.firstIndex(of: ":"), colon != foundation.startIndex,
            foundation.index(after: colon) != foundation.endIndex
        {
            #expect(ours?.accessKeyID == String(foundation[..<colon]), "\(encoded)")
            #expect(ours?.secretAccessKey == String(foundation[foundation.index(after: colon)...]), "\(encoded)")
        } else {
            #expect(ours == nil, "\(encoded)")
        }
    }

    /// The one deliberate difference: Foundation also took characters after a group's `=` ("Yw=a" as "Yw=="); a
    /// padding `=` ends the text here (RFC 4648 §3.3).
    @Test func nothingAfterPadding() {
        #expect(Data(base64Encoded: "a2V5OnNlYw=a") != nil)
        #expect(throws: CredentialsError.invalidBase64) { try Credentials.fromBasicAuthorization("Basic a2V5OnNlYw=a") }
    }
}
