@testable import AWS
import Connector
import CurlHTTP
import Foundation
import RemoteStorage
import TestSupport
import Testing

@testable import CredentialChain

/// The service with `CredentialSource.provider` fed by the chain: each source's keys sign the Timestream calls,
/// and the Timestream stand-in (moto with signature and IAM checks, or timestream_standin.py accepting only the
/// issuer's temporary keys) stores the write only with them. Requests carry a bogus basic auth, which is ignored.
@Suite struct ServiceEndToEndTests {
    let http: HTTPClient
    init() throws { http = try HTTPClient() }

    static let bogusBasicAuth = (name: "Authorization", value: "Basic QUtJREJPR1VTOmJvZ3Vz")  // AKIDBOGUS:bogus

    static func write(run: String, value: Double = 1) -> ServiceRequest {
        let series = TimeSeries(
            labels: [Label(name: "__name__", value: "up"), Label(name: "run", value: run)],
            samples: [Sample(value: value, timestamp: SystemClock().nowMilliseconds())])
        return ServiceRequest(
            method: "POST", path: "/write",
            headers: [
                (name: "Content-Type", value: "application/x-protobuf"), (name: "Content-Encoding", value: "snappy"),
                (name: "X-Prometheus-Remote-Write-Version", value: "0.1.0"), bogusBasicAuth,
            ],
            body: Snappy.compress(WriteRequest(timeseries: [series]).serialized()))
    }

    func service(_ timestreamURL: String) -> ConnectorService {
        ConnectorService(
            config: ConnectorConfig(database: "promdb", table: "metrics", useFunctionCredentials: true),
            timestream: TimestreamClient(
                transport: http, region: "us-east-1",
                endpoints: EndpointConfiguration(write: .fixed(timestreamURL), query: .fixed(timestreamURL))),
            now: { SystemClock().nowMilliseconds() })
    }

    static var deadline: Deadline { Deadline(epochMilliseconds: SystemClock().nowMilliseconds() + 20_000) }

    func respond(
        _ service: ConnectorService, _ credentials: RefreshingCredentials, run: String, value: Double = 1
    ) -> ServiceResponse {
        service.respond(to: Self.write(run: run, value: value), deadline: Self.deadline, credentials: .provider(credentials.provide)).response
    }

    // MARK: - moto: environment, profile, web identity

    /// The measure values of the records moto stored (moto keeps CommonAttributes' dimensions out of its records,
    /// so each write is told apart by its value).
    func storedValues(_ moto: OracleServer) throws -> [String] {
        let body = try http.send(HTTPRequest(method: "GET", url: moto.url + "/moto-api/data.json")).get().body
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let tables = (document["timestreamwrite"] as? [String: Any])?["TimestreamTable"] as? [[String: Any]] ?? []
        return tables.flatMap { $0["records"] as? [[String: Any]] ?? [] }.compactMap { $0["MeasureValue"] as? String }
    }

    @Test func environmentProfileAndWebIdentityAgainstMoto() throws {
        let (moto, setup) = try startMoto()
        defer { moto.stop() }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = TestClock(SystemClock().nowMilliseconds())
        let background = ManualBackground()
        let service = service(moto.url)
        func chain(_ environment: [String: String]) throws -> RefreshingCredentials {
            let provider = try DefaultCredentialChain.resolve(
                environment: environment, region: "us-east-1", transport: http, now: clock.function)
            return RefreshingCredentials(provider: provider, now: clock.function, startInBackground: background.start)
        }
        let base = ["HOME": directory.path, "AWS_EC2_METADATA_DISABLED": "true"]

        // Environment: the IAM user's long-term key.
        let environment = try chain(base.merging(["AWS_ACCESS_KEY_ID": setup.access_key_id, "AWS_SECRET_ACCESS_KEY": setup.secret_access_key]) { $1 })
        #expect(environment.provider is EnvironmentCredentialProvider)
        #expect(respond(service, environment, run: "env", value: 1).statusCode == 204)
        // The same key id with another secret: moto refuses the signature, nothing is stored.
        let wrong = try chain(base.merging(["AWS_ACCESS_KEY_ID": setup.access_key_id, "AWS_SECRET_ACCESS_KEY": "not-the-secret"]) { $1 })
        #expect(respond(service, wrong, run: "wrong-secret", value: 9).statusCode >= 400)

        // Profile: the role session's temporary keys in the credentials file.
        try """
            [default]
            aws_access_key_id = \(setup.session.access_key_id)
            aws_secret_access_key = \(setup.session.secret_access_key)
            aws_session_token = \(setup.session.session_token)
            """.write(to: directory.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        let profile = try chain(base.merging(["AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("credentials").path]) { $1 })
        #expect(profile.provider is ProfileCredentialProvider)
        #expect(respond(service, profile, run: "profile", value: 2).statusCode == 204)

        // Web identity: the projected token → moto STS AssumeRoleWithWebIdentity → the role's temporary keys.
        let tokenFile = directory.appendingPathComponent("token")
        try setup.web_identity_token.write(to: tokenFile, atomically: true, encoding: .utf8)
        let webIdentity = try chain(
            base.merging([
                "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": setup.role_arn,
                "AWS_ENDPOINT_URL_STS": moto.url, "AWS_ROLE_SESSION_NAME": "prometheus",
            ]) { $1 })
        #expect(webIdentity.provider is WebIdentityCredentialProvider)
        #expect(respond(service, webIdentity, run: "web-identity-1", value: 3).statusCode == 204)
        let first = try webIdentity.current().get()
        #expect(first.accessKeyID.hasPrefix("ASIA") && first.sessionToken != nil)
        // Rotation: 56 minutes later (moto's keys last an hour) the keys are refreshed in the background while the
        // old ones keep signing; the next write uses the new keys and is stored too.
        clock.advance(seconds: 56 * 60)
        #expect(respond(service, webIdentity, run: "web-identity-2", value: 4).statusCode == 204)
        #expect(background.pending == 1)
        background.runAll()
        let second = try webIdentity.current().get()
        #expect(second.accessKeyID != first.accessKeyID)
        #expect(respond(service, webIdentity, run: "web-identity-3", value: 5).statusCode == 204)
        let stored = try storedValues(moto).sorted()
        #expect(stored == ["1.0", "2.0", "3.0", "4.0", "5.0"])  // env, profile, web identity ×3; not "wrong-secret"

        // A token STS refuses: 503 naming the source and STS's reason; nothing stored, no crash.
        try "not-the-token".write(to: tokenFile, atomically: true, encoding: .utf8)
        let refused = try chain(
            base.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": setup.role_arn, "AWS_ENDPOINT_URL_STS": moto.url]) { $1 })
        let answer = respond(service, refused, run: "refused")
        #expect(answer.statusCode == 503)
        #expect(answer.bodyText.contains("web identity (AWS_ROLE_ARN=\(setup.role_arn)): STS AssumeRoleWithWebIdentity failed with InvalidIdentityToken"))
    }

    // MARK: - stand-ins: container endpoint and IMDSv2

    /// Container endpoint and IMDSv2, each against timestream_standin.py that accepts only the keys the
    /// credential stand-in issued. Keys live 301 s, so a second after each fetch they are inside the 5-minute margin
    /// and the next request starts a (real, threaded) background refresh: keys rotate between writes and every
    /// write is stored.
    @Test(.timeLimit(.minutes(2)), arguments: ["container", "imds"])
    func rotatingTemporaryKeys(_ source: String) throws {
        let (issuer, timestream, environment) = try rotatingIssuer(source, http)
        let now: @Sendable () -> Int64 = { SystemClock().nowMilliseconds() }
        let provider = try DefaultCredentialChain.resolve(
            environment: environment.merging(["HOME": "/nonexistent"]) { $1 }, region: "us-east-1", transport: http, now: now)
        #expect(provider.name.hasPrefix(source == "container" ? "container credentials endpoint" : "instance metadata"))
        let credentials = RefreshingCredentials(provider: provider, now: now)
        let service = service(timestream.url)
        var used: [String] = []
        for run in 0..<4 {
            let before = try credentials.current().get().accessKeyID
            #expect(respond(service, credentials, run: "\(source)-\(run)").statusCode == 204)
            used.append(before)
            // No timing assumption: wait for the background refresh to land (the suite's time limit ends a hang).
            while (try? credentials.current().get().accessKeyID) == before { usleep(2_000) }
        }
        let calls = try #require(
            try JSONSerialization.jsonObject(with: Data(http.send(HTTPRequest(method: "GET", url: timestream.url + "/_requests")).get().body)) as? [[String: Any]])
        let signedWith = calls.compactMap { ($0["headers"] as? [String: String])?["Authorization"] }
            .map { $0.components(separatedBy: "Credential=")[1].components(separatedBy: "/")[0] }
        #expect(Set(signedWith).count >= 4)
        #expect(signedWith.allSatisfy { $0.hasPrefix("ASIASTANDIN") })
        #expect(Set(used).isSubset(of: Set(signedWith)))

        // Keys the issuer never handed out are refused by the stand-in (the check is real).
        let outsider = RefreshingCredentials(
            provider: StaticProvider(Credentials(accessKeyID: "ASIAOUTSIDER", secretAccessKey: "s", sessionToken: "t")), now: now)
        #expect(respond(service, outsider, run: "outsider").statusCode >= 400)

        // The source failing with no usable keys: 503 naming it.
        _ = try http.send(HTTPRequest(method: "POST", url: issuer.url + "/_settings", body: Array(#"{"fail": true}"#.utf8))).get()
        let failing = RefreshingCredentials(provider: provider, now: now)
        let answer = respond(service, failing, run: "failing")
        #expect(answer.statusCode == 503)
        #expect(answer.bodyText.contains(provider.name))
    }
}

struct StaticProvider: CredentialProvider {
    let name = "static"
    let credentials: Credentials
    init(_ credentials: Credentials) { self.credentials = credentials }
    func fetch() throws(CredentialProviderError) -> ExpiringCredentials { ExpiringCredentials(credentials) }
}
