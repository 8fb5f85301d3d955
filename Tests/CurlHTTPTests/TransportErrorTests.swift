@testable import CurlHTTP
import TestSupport
import Testing

@Suite struct TransportErrorTests {
    @Test func requestTimeoutIsTyped() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        // The answer would come after 3 s: only the 300 ms limit makes it a time-out.
        let result = client.send(HTTPRequest(method: "GET", url: server.url + "/delay?ms=3000", timeoutMilliseconds: 300))
        guard case .failure(.timeout) = result else { Issue.record("expected .timeout, got \(result)"); return }
    }

    /// No per-request limit: the configured connect timeout alone ends a connect that gets no answer.
    @Test func connectTimeoutIsTyped() throws {
        let listener = try OracleServer("unaccepting_listener.py")
        let client = try HTTPClient(configuration: HTTPClientConfiguration(connectTimeoutMilliseconds: 300))
        let result = client.send(HTTPRequest(method: "GET", url: listener.url + "/"))
        guard case .failure(.timeout) = result else { Issue.record("expected .timeout, got \(result)"); return }
    }

    @Test func exhaustedDeadlineFailsWithoutSending() throws {
        let client = try HTTPClient()
        let result = client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/", timeoutMilliseconds: 0))
        guard case .failure(.timeout) = result else { Issue.record("expected .timeout, got \(result)"); return }
        #expect(client.statistics.requestsSent == 0)
    }

    @Test func refusedConnectionIsConnectError() throws {
        let client = try HTTPClient()
        let result = client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(closedLocalPort())/"))
        guard case .failure(.connect(let message)) = result else { Issue.record("expected .connect, got \(result)"); return }
        #expect(message.hasPrefix("Couldn't connect to server"))
    }

    /// `.invalid` is reserved (RFC 6761 §6.4): resolvers answer NXDOMAIN at once, with or without network.
    @Test func unresolvableHostIsDNSError() throws {
        let client = try HTTPClient()
        let result = client.send(HTTPRequest(method: "GET", url: "http://nonexistent.invalid/"))
        guard case .failure(.dns) = result else { Issue.record("expected .dns, got \(result)"); return }
    }

    @Test(arguments: ["/close", "/partial"])
    func connectionClosedMidExchangeIsReset(path: String) throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let result = client.send(HTTPRequest(method: "GET", url: server.url + path))
        guard case .failure(.reset) = result else { Issue.record("expected .reset, got \(result)"); return }
    }

    @Test(arguments: ["http://[::1/", "gopher://127.0.0.1/", "ftp://127.0.0.1/x", "http://exa mple.com/", "", "http://"])
    func malformedURLIsInvalidRequest(url: String) throws {
        let client = try HTTPClient()
        let result = client.send(HTTPRequest(method: "GET", url: url))
        guard case .failure(.invalidRequest) = result else { Issue.record("expected .invalidRequest, got \(result)"); return }
    }

    @Test func clientKeepsWorkingAfterEveryKindOfError() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let failures = [
            HTTPRequest(method: "GET", url: server.url + "/delay?ms=2000", timeoutMilliseconds: 100),
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(closedLocalPort())/"),
            HTTPRequest(method: "GET", url: "http://nonexistent.invalid/"),
            HTTPRequest(method: "GET", url: server.url + "/close"),
            HTTPRequest(method: "GET", url: server.url + "/partial"),
            HTTPRequest(method: "GET", url: "http://[::1/"),
        ]
        for request in failures {
            if case .success(let response) = client.send(request) { Issue.record("\(request.url) answered \(response.status)") }
        }
        #expect(client.sendAll(failures, maxConcurrent: 6).allSatisfy { if case .failure = $0 { true } else { false } })
        for i in 0..<3 {
            let body = Array("after errors \(i)".utf8)
            let response = try client.send(HTTPRequest(method: "POST", url: server.url + "/echo", body: body)).get()
            #expect(response.status == 200 && response.body == body)
        }
        #expect(client.statistics.transportErrors == 12)
    }
}
