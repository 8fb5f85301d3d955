@testable import CurlHTTP
import Testing

@Suite struct KeepAliveTests {
    @Test func sequentialRequestsShareOneConnection() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        for i in 0..<20 {
            let request = i % 2 == 0
                ? HTTPRequest(method: "GET", url: server.url + "/echo")
                : HTTPRequest(method: "POST", url: server.url + "/echo", body: Array("call \(i)".utf8))
            let response = try client.send(request).get()
            #expect(response.status == 200)
        }
        let stats = try server.stats()
        #expect(stats.requests == 20)
        #expect(stats.ports.count == 1, "server saw client ports \(stats.ports)")
        #expect(client.statistics == HTTPClientStatistics(requestsSent: 20, connectionsOpened: 1, transportErrors: 0))
    }

    @Test func parallelRoundsReuseTheirConnections() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let round = Array(repeating: HTTPRequest(method: "GET", url: server.url + "/delay?ms=100"), count: 6)
        for _ in 0..<3 {
            let results = client.sendAll(round, maxConcurrent: 6)
            #expect(try results.map { try $0.get().status } == Array(repeating: 200, count: 6))
        }
        let stats = try server.stats()
        #expect(stats.maxInFlight == 6)
        #expect(stats.ports.count == 6, "server saw client ports \(stats.ports)")
        #expect(client.statistics.connectionsOpened == 6)
        #expect(client.statistics.requestsSent == 18)
    }

    /// A cached connection the server dropped while idle (a frozen Lambda's connection after the load balancer's
    /// idle timeout) is detected and replaced: the next request succeeds instead of failing with a reset. No pause
    /// between requests, so some reuse attempts race the server's close.
    @Test func connectionDroppedWhileIdleIsReplaced() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        for i in 0..<20 {
            let body = Array("after drop \(i)".utf8)
            let response = try client.send(
                HTTPRequest(method: "POST", url: server.url + "/echo?drop=1", body: body)).get()
            #expect(response.status == 200 && response.body == body)
        }
        #expect(try server.stats().ports.count == 20)
        #expect(client.statistics == HTTPClientStatistics(requestsSent: 20, connectionsOpened: 20, transportErrors: 0))
    }
}
