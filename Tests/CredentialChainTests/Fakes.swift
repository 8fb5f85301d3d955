@testable import AWS
import CurlHTTP
import Foundation
import Synchronization
import TestSupport

@testable import CredentialChain

/// A clock the test moves (epoch milliseconds).
final class TestClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64 = 1_800_000_000_000) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func advance(seconds: Int64) { value.withLock { $0 += seconds * 1000 } }
    var function: @Sendable () -> Int64 { { self.now } }
}

/// Background work the test runs when it chooses (so refresh ordering is deterministic). `start` holds this object
/// weakly: the credentials keep `start`, a queued refresh keeps the credentials, and a strong reference back would
/// leak all of them (and their HTTP client) when a test ends with a refresh never run.
final class ManualBackground: Sendable {
    private let queue = Mutex<[@Sendable () -> Void]>([])
    var pending: Int { queue.withLock { $0.count } }
    var start: @Sendable (@escaping @Sendable () -> Void) -> Void {
        { [weak self] work in self?.queue.withLock { $0.append(work) } }
    }
    func runAll() {
        let work = queue.withLock { queue in defer { queue.removeAll() }; return queue }
        work.forEach { $0() }
    }
}

/// A provider answering from a list (the last answer repeats) and counting its fetches.
final class ScriptedProvider: CredentialProvider {
    let name = "scripted source"
    let isStaticallyStable: Bool
    private let state: Mutex<(answers: [Result<ExpiringCredentials, CredentialProviderError>], fetches: Int)>
    init(_ answers: [Result<ExpiringCredentials, CredentialProviderError>], staticallyStable: Bool = false) {
        state = Mutex((answers, 0))
        isStaticallyStable = staticallyStable
    }
    var fetches: Int { state.withLock { $0.fetches } }
    func fetch() throws(CredentialProviderError) -> ExpiringCredentials {
        let answer = state.withLock { state in
            state.fetches += 1
            return state.answers.count > 1 ? state.answers.removeFirst() : state.answers[0]
        }
        return try answer.get()
    }
}

/// An in-memory transport answering from a closure; records requests. Never reached by the chain's selection.
final class RecordingTransport: HTTPTransport, Sendable {
    private let log = Mutex<[HTTPRequest]>([])
    private let respond: @Sendable (HTTPRequest) -> Result<HTTPResponse, TransportError>
    init(_ respond: @escaping @Sendable (HTTPRequest) -> Result<HTTPResponse, TransportError>) { self.respond = respond }
    var requests: [HTTPRequest] { log.withLock { $0 } }
    func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        log.withLock { $0.append(request) }
        return respond(request)
    }
    func sendAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, TransportError>] {
        requests.map(send)
    }
}

func keys(_ n: Int, expiresAt: Int64? = nil) -> ExpiringCredentials {
    ExpiringCredentials(
        Credentials(accessKeyID: "ASIA\(n)", secretAccessKey: "secret\(n)", sessionToken: "token\(n)"),
        expirationEpochMilliseconds: expiresAt)
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("credchain-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// What Tests/oracles/moto_timestream.py set up (moto with SigV4 and IAM checks, STS web identity, Timestream).
struct MotoSetup: Decodable {
    struct Session: Decodable { var access_key_id, secret_access_key, session_token: String }
    var port: Int
    var role_arn, web_identity_token, access_key_id, secret_access_key: String
    var session: Session
}

func startMoto() throws -> (OracleServer, MotoSetup) {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("setup.json")
    let server = try OracleServer("moto_timestream.py", [file.path])
    return (server, try JSONDecoder().decode(MotoSetup.self, from: Data(contentsOf: file)))
}

/// The container / IMDSv2 stand-in issuing keys that live 301 s (inside the 5-minute refresh margin a second after
/// they are issued, so a request then starts a background refresh), a Timestream stand-in
/// accepting only those keys, and the environment that points `source` ("container" or "imds") at the issuer.
func rotatingIssuer(
    _ source: String, _ http: HTTPClient
) throws -> (issuer: OracleServer, timestream: OracleServer, environment: [String: String]) {
    let issuer = try OracleServer("credential_endpoints_standin.py", ["pod-token"])
    let timestream = try OracleServer("timestream_standin.py", ["issuer=\(issuer.url)/_issued"])
    _ = try http.send(HTTPRequest(method: "POST", url: issuer.url + "/_settings", body: Array(#"{"lifetime_seconds": 301}"#.utf8))).get()
    let environment = source == "container"
        ? ["AWS_CONTAINER_CREDENTIALS_FULL_URI": issuer.url + "/v2/credentials/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "pod-token"]
        : ["AWS_EC2_METADATA_SERVICE_ENDPOINT": issuer.url]
    return (issuer, timestream, environment)
}
