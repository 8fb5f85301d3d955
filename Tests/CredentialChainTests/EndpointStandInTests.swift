@testable import AWS
import CurlHTTP
import Foundation
import TestSupport
import Testing

@testable import CredentialChain

/// The container endpoint and IMDSv2 providers over libcurl against Tests/oracles/credential_endpoints_standin.py.
@Suite struct EndpointStandInTests {
    static let containerToken = "pod-identity-token"
    let http: HTTPClient
    let standIn: OracleServer
    let clock = TestClock()

    init() throws {
        http = try HTTPClient()
        standIn = try OracleServer("credential_endpoints_standin.py", [Self.containerToken])
    }

    func control(_ path: String, _ body: [String: Any]? = nil) throws -> Any {
        let request = body.map {
            HTTPRequest(method: "POST", url: standIn.url + path, body: Array(try! JSONSerialization.data(withJSONObject: $0)))
        } ?? HTTPRequest(method: "GET", url: standIn.url + path)
        return try JSONSerialization.jsonObject(with: Data(http.send(request).get().body))
    }

    /// The keys the stand-in minted, in order.
    func issued() throws -> [Credentials] {
        try #require(try control("/_issued") as? [[String: Any]]).map {
            Credentials(
                accessKeyID: $0["AccessKeyId"] as! String, secretAccessKey: $0["SecretAccessKey"] as! String,
                sessionToken: $0["Token"] as? String)
        }
    }

    func requests() throws -> [(method: String, path: String, token: String?)] {
        try #require(try control("/_requests") as? [[String: Any]]).map {
            ($0["method"] as! String, $0["path"] as! String, $0["token_header"] as? String)
        }
    }

    @Test func imdsV2TokenThenRoleThenCredentials() throws {
        let provider = try InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": standIn.url + "/"], transport: http, now: clock.function)
        let first = try provider.fetch()
        #expect(try issued() == [first.credentials])
        #expect(first.credentials.sessionToken != nil)
        #expect(first.expirationEpochMilliseconds != nil)
        let second = try provider.fetch()
        #expect(try issued() == [first.credentials, second.credentials])
        let seen = try requests()
        // One token PUT serves both fetches; every GET carries it.
        #expect(seen.map(\.method) == ["PUT", "GET", "GET", "GET", "GET"])
        #expect(seen[1...].allSatisfy { $0.token != nil && $0.token == seen[1].token })
        #expect(seen[2].path == "/latest/meta-data/iam/security-credentials/prometheus-connector")
    }

    @Test func imdsStaleTokenGets401AndIsRenewedOnce() throws {
        let provider = try InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": standIn.url], transport: http, now: clock.function)
        _ = try provider.fetch()
        _ = try control("/_settings", ["expire_tokens": true])
        let renewed = try provider.fetch()
        #expect(try issued().last == renewed.credentials)
        #expect(try requests().map(\.method) == ["PUT", "GET", "GET", "GET", "PUT", "GET", "GET"])
    }

    @Test func imdsTokenIsRenewedWhenItsTTLRunsOut() throws {
        let provider = try InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": standIn.url], transport: http, now: clock.function)
        _ = try provider.fetch()
        clock.advance(seconds: InstanceMetadataCredentialProvider.tokenTTLSeconds - 59)
        _ = try provider.fetch()
        #expect(try requests().filter { $0.method == "PUT" }.count == 2)
    }

    @Test func imdsFailureNamesTheSource() throws {
        _ = try control("/_settings", ["fail": true])
        let provider = try InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": standIn.url], transport: http, now: clock.function)
        #expect {
            try provider.fetch()
        } throws: { error in
            "\(error)" == "instance metadata (IMDSv2 at \(standIn.url)): GET /latest/meta-data/iam/security-credentials/prometheus-connector answered HTTP 500"
        }
    }

    /// Instance metadata down when its keys expire: they stay in use (static stability, as in the SDKs), and the
    /// failure is still reported for the health log.
    @Test func anIMDSOutageKeepsItsKeysInUse() throws {
        let clock = TestClock(Int64(Date().timeIntervalSince1970 * 1000))  // the stand-in's keys expire in real time
        let provider = try InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": standIn.url], transport: http, now: clock.function)
        let credentials = RefreshingCredentials(provider: provider, now: clock.function, startInBackground: { _ in })
        let first = try credentials.current().get()
        _ = try control("/_settings", ["fail": true])
        clock.advance(seconds: 3_601)  // past the stand-in's one-hour keys
        #expect(try credentials.current().get() == first)
        #expect(credentials.lastError?.reason.contains("answered HTTP 500") == true, "\(String(describing: credentials.lastError))")
        #expect(try issued() == [first])
    }

    /// `AWS_METADATA_SERVICE_NUM_ATTEMPTS`: a 5xx is asked again until the attempts are spent (once by default).
    @Test func imdsAttemptsFollowTheSDKsVariable() throws {
        _ = try control("/_settings", ["fail": true])
        let provider = try InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": standIn.url, "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "3"],
            transport: http, now: clock.function)
        #expect(throws: CredentialProviderError.self) { try provider.fetch() }
        let credentialGets = try requests().filter { $0.path == "/latest/meta-data/iam/security-credentials/prometheus-connector" }
        #expect(credentialGets.count == 3)
    }

    @Test func containerEndpointWithTokenFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try (Self.containerToken + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        let provider = try ContainerCredentialProvider(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": standIn.url + "/v2/credentials/pod",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored: the file wins",
            ], transport: http)
        let fetched = try provider.fetch()
        #expect(try issued() == [fetched.credentials])
        // The token file is re-read on each fetch (EKS rotates it): a wrong token is now refused.
        try "stale".write(to: tokenFile, atomically: true, encoding: .utf8)
        #expect {
            try provider.fetch()
        } throws: { error in
            "\(error)".hasSuffix("answered HTTP 403")
        }
    }

    @Test func containerEndpointWithoutTokenIsRefused() throws {
        let provider = try ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": standIn.url + "/v2/credentials/pod"], transport: http)
        #expect {
            try provider.fetch()
        } throws: { error in
            "\(error)" == "container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI=\(standIn.url)): \(standIn.url)/… answered HTTP 401"
        }
    }
}
