@testable import CurlHTTP
import Testing

/// Against a local HTTPS server with a fresh self-signed certificate valid for IP 127.0.0.1 only.
@Suite struct TLSTests {
    @Test func untrustedCertificateIsTLSError() throws {
        let server = try BehaviourServer(tls: ())
        let client = try HTTPClient()
        let result = client.send(HTTPRequest(method: "GET", url: server.url + "/echo"))
        guard case .failure(.tls(let message)) = result else { Issue.record("expected .tls, got \(result)"); return }
        #expect(message.contains("certificate"))
        #expect(try server.stats().requests == 0)
    }

    /// Trusting the certificate does not switch host-name checking off: `localhost` is not in the certificate.
    @Test func hostNameIsVerifiedEvenWhenCertificateIsTrusted() throws {
        let server = try BehaviourServer(tls: ())
        let client = try HTTPClient(configuration: server.trustingConfiguration)
        let result = client.send(HTTPRequest(method: "GET", url: "https://localhost:\(server.server.port)/echo"))
        guard case .failure(.tls) = result else { Issue.record("expected .tls, got \(result)"); return }
    }

    @Test func trustedServerIsReachedOverOneKeptAliveConnection() throws {
        let server = try BehaviourServer(tls: ())
        let client = try HTTPClient(configuration: server.trustingConfiguration)
        for i in 0..<5 {
            let body = Array("tls \(i)".utf8)
            let response = try client.send(HTTPRequest(method: "POST", url: server.url + "/echo", body: body)).get()
            #expect(response.status == 200 && response.body == body)
        }
        #expect(try server.stats().ports.count == 1)
        #expect(client.statistics.connectionsOpened == 1)
    }

    /// Parallel https requests wait for the first connection's ALPN answer (PIPEWAIT, to multiplex over HTTP/2);
    /// this HTTP/1.1-only server must still get them in parallel, each on its own connection.
    @Test func parallelRequestsOverlapAgainstHTTP1OnlyTLSServer() throws {
        let server = try BehaviourServer(tls: ())
        let client = try HTTPClient(configuration: server.trustingConfiguration)
        let requests = Array(repeating: HTTPRequest(method: "GET", url: server.url + "/delay?ms=200"), count: 6)
        let results = client.sendAll(requests, maxConcurrent: 6)
        #expect(results.allSatisfy { (try? $0.get().status) == 200 })
        #expect(try server.stats().maxInFlight > 3)
    }
}
