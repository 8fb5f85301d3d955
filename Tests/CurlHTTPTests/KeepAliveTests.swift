import CurlHTTP
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
}
