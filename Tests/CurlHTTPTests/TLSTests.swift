import CurlHTTP
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
}
