import CurlHTTP
import Foundation
import RemoteStorage
import TestSupport
import Testing

/// The built `timestream-prometheus-connector` started with `--enable-sigv4-auth` and each credential source in
/// turn: a remote write (carrying a bogus basic auth, which is ignored) is stored only because its Timestream calls
/// are signed with that source's keys — moto checks signatures and IAM for environment, profile and web identity;
/// timestream_standin.py accepts only the keys the container / IMDSv2 stand-in issued, which rotate during the run.
@Suite(.serialized) struct StandaloneChainTests {
    /// The connector as a process on 127.0.0.1 (an OS-chosen port, read from its `ready` log line).
    final class Connector {
        let process = Process()
        let logPath: String
        private(set) var port = 0

        init(environment: [String: String], flags: [String] = ["--enable-sigv4-auth"]) throws {
            let binary = ProcessInfo.processInfo.environment["STANDALONE_PATH"]
                ?? Oracle.repositoryRoot.appendingPathComponent(".build/debug/timestream-prometheus-connector").path
            logPath = FileManager.default.temporaryDirectory.appendingPathComponent("standalone-\(UUID().uuidString).log").path
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = [
                "--web.listen-address=127.0.0.1:0", "--default-database=promdb", "--default-table=metrics",
                "--region=us-east-1",
            ] + flags
            var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") && $0.key != "region" }
            for (k, v) in environment { env[k] = v }
            process.environment = env
            let output = FileHandle(forWritingAtPath: logPath)
            process.standardOutput = output
            process.standardError = output
            try process.start()  // TestSupport: dies with the tests, inherits no other child's pipes
            // Until it says where it listens, or exits (a bound only against a hang, not a speed check).
            for _ in 0..<6_000 {
                guard process.isRunning else { return }
                if let line = log.split(separator: "\n").first(where: { $0.contains("msg=ready") }),
                    let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
                    let port = Int(address.split(separator: ":").last ?? "")
                {
                    self.port = port
                    return
                }
                usleep(10_000)
            }
        }

        var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        var url: String { "http://127.0.0.1:\(port)" }
        func stop() { process.stop() }
        deinit { stop() }
    }

    let http: HTTPClient
    init() throws { http = try HTTPClient() }

    func write(_ connector: Connector, value: Double) throws -> HTTPResponse {
        let series = TimeSeries(
            labels: [Label(name: "__name__", value: "standalone_chain"), Label(name: "job", value: "x")],
            samples: [Sample(value: value, timestamp: Int64(Date().timeIntervalSince1970 * 1000) - 1000 + Int64(value))])
        return try http.send(
            HTTPRequest(
                method: "POST", url: connector.url + "/write",
                headers: [
                    (name: "Content-Type", value: "application/x-protobuf"), (name: "Content-Encoding", value: "snappy"),
                    (name: "X-Prometheus-Remote-Write-Version", value: "0.1.0"),
                    (name: "Authorization", value: "Basic QUtJREJPR1VTOmJvZ3Vz"),  // AKIDBOGUS:bogus, ignored
                ],
                body: Snappy.compress(WriteRequest(timeseries: [series]).serialized()), timeoutMilliseconds: 60_000)
        ).get()
    }

    func json(_ url: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(http.send(HTTPRequest(method: "GET", url: url, timeoutMilliseconds: 10_000)).get().body))
    }

    func motoValues(_ moto: OracleServer) throws -> [String] {
        let document = try #require(try json(moto.url + "/moto-api/data.json") as? [String: Any])
        let tables = (document["timestreamwrite"] as? [String: Any])?["TimestreamTable"] as? [[String: Any]] ?? []
        return tables.flatMap { $0["records"] as? [[String: Any]] ?? [] }.compactMap { $0["MeasureValue"] as? String }.sorted()
    }

    @Test func environmentProfileAndWebIdentityAgainstMoto() throws {
        let (moto, setup) = try startMoto()
        defer { moto.stop() }
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let base = ["HOME": home.path, "AWS_ENDPOINT_URL": moto.url, "AWS_EC2_METADATA_DISABLED": "true"]

        let environment = try Connector(environment: base.merging([
            "AWS_ACCESS_KEY_ID": setup.access_key_id, "AWS_SECRET_ACCESS_KEY": setup.secret_access_key]) { $1 })
        #expect(try write(environment, value: 1).status == 204, "\(environment.log)")
        #expect(environment.log.contains("credentials=\"AWS credential chain: environment (AWS_ACCESS_KEY_ID); request basic auth ignored\""), "\(environment.log)")
        environment.stop()

        try "[default]\naws_access_key_id = \(setup.session.access_key_id)\naws_secret_access_key = \(setup.session.secret_access_key)\naws_session_token = \(setup.session.session_token)\n"
            .write(to: home.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        let profile = try Connector(environment: base.merging(["AWS_SHARED_CREDENTIALS_FILE": home.appendingPathComponent("credentials").path]) { $1 })
        #expect(try write(profile, value: 2).status == 204, "\(profile.log)")
        #expect(profile.log.contains("AWS credential chain: profile default (static keys"))
        profile.stop()

        let tokenFile = home.appendingPathComponent("token")
        try setup.web_identity_token.write(to: tokenFile, atomically: true, encoding: .utf8)
        let webIdentity = try Connector(environment: base.merging([
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": setup.role_arn]) { $1 })
        #expect(try write(webIdentity, value: 3).status == 204, "\(webIdentity.log)")
        #expect(webIdentity.log.contains("AWS credential chain: web identity (AWS_ROLE_ARN=\(setup.role_arn))"))
        webIdentity.stop()

        // Basic auth alone (the chain off) with the bogus key: moto refuses it, so the three stored writes above
        // were signed by the chain's keys, not the request's.
        let basic = try Connector(environment: base, flags: [])
        #expect(try write(basic, value: 4).status >= 400)
        #expect(basic.log.contains("credentials=\"basic auth of each request\""))
        basic.stop()
        #expect(try motoValues(moto) == ["1.0", "2.0", "3.0"])

        for connector in [environment, profile, webIdentity] {
            for secret in [setup.secret_access_key, setup.session.secret_access_key, setup.session.session_token, setup.web_identity_token] {
                #expect(!connector.log.contains(secret))
            }
        }
    }

    /// Keys live 301 s: a second after each fetch they are inside the 5-minute refresh margin, so the next request
    /// starts a background refresh and later writes are signed with new keys; every write is stored.
    @Test(arguments: ["container", "imds"])
    func rotatingKeysFromTheStandIns(_ source: String) throws {
        let (issuer, timestream, environment) = try rotatingIssuer(source, http)
        let connector = try Connector(environment: environment.merging(["HOME": "/nonexistent", "AWS_ENDPOINT_URL": timestream.url]) { $1 })
        defer { connector.stop() }
        #expect(connector.log.contains(source == "container" ? "AWS credential chain: container credentials endpoint" : "AWS credential chain: instance metadata (IMDSv2"), "\(connector.log)")
        // Write until the calls have been signed with three different keys (each refresh lands between writes);
        // the bound only stops a broken refresh from looping for ever.
        func signingKeys() throws -> [String] {
            try #require(try json(timestream.url + "/_requests") as? [[String: Any]])
                .compactMap { ($0["headers"] as? [String: String])?["Authorization"] }
                .map { $0.components(separatedBy: "Credential=")[1].components(separatedBy: "/")[0] }
        }
        var writes = 0
        while try Set(signingKeys()).count < 3 && writes < 1000 {
            writes += 1
            #expect(try write(connector, value: Double(writes)).status == 204, "\(connector.log)")
            usleep(20_000)
        }
        let keys = try signingKeys()
        #expect(keys.count == writes)
        #expect(Set(keys).count >= 3, "\(keys)")
        #expect(keys.allSatisfy { $0.hasPrefix("ASIASTANDIN") })
        let issued = try #require(try json(issuer.url + "/_issued") as? [[String: Any]])
        #expect(issued.count >= 3, "\(issued)")
        for key in issued { #expect(!connector.log.contains(key["SecretAccessKey"] as! String)) }
    }

    /// With a proxy set for every host but Timestream's, the credential endpoints of this machine are still
    /// reached directly (the proxy here is a closed port: through it, no keys and a 503).
    @Test(arguments: ["container", "imds"])
    func credentialEndpointsAreNeverProxied(_ source: String) throws {
        let (issuer, timestream, environment) = try rotatingIssuer(source, http)
        defer { withExtendedLifetime(issuer) {} }
        let local = environment.mapValues { $0.replacingOccurrences(of: "127.0.0.1", with: "localhost") }
        let connector = try Connector(environment: local.merging([
            "HOME": "/nonexistent", "AWS_ENDPOINT_URL": timestream.url,
            "http_proxy": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1",
        ]) { $1 })
        defer { connector.stop() }
        #expect(try write(connector, value: 1).status == 204, "\(connector.log)")
    }

    @Test func noSourceStopsTheStartWithAReason() throws {
        let connector = try Connector(environment: ["HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"])
        connector.process.waitUntilExit()
        #expect(connector.process.terminationStatus == 2)
        #expect(connector.log.contains("no source is configured"), "\(connector.log)")
    }
}
