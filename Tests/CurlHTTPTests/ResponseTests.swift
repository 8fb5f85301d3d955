@testable import CurlHTTP
import Testing

@Suite struct ResponseTests {
    @Test func gzipResponseIsDecoded() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let response = try client.send(HTTPRequest(method: "GET", url: server.url + "/gzip")).get()
        let plain = (0..<2000).map { "line \($0)\n" }.joined()
        #expect(response.header("Content-Encoding") == "gzip", "server compresses only when gzip is offered")
        #expect(Int(response.header("Content-Length") ?? "") ?? .max < plain.utf8.count)
        #expect(response.body == Array(plain.utf8))
    }

    @Test func headersKeepOrderRepeatsAndEmptyValues() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let response = try client.send(HTTPRequest(method: "GET", url: server.url + "/headers")).get()
        #expect(response.headers.filter { $0.name == "X-Multi" }.map(\.value) == ["a", "b"])
        #expect(response.header("x-empty") == "")
        #expect(response.header("X-Spaced") == "padded value")
        #expect(response.headers.allSatisfy { !$0.value.hasSuffix("\r\n") && !$0.value.hasSuffix("\n") })
    }

    @Test func onlyTheFinalHeaderBlockIsKept() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let response = try client.send(HTTPRequest(method: "GET", url: server.url + "/continue")).get()
        #expect(response.status == 200)
        #expect(response.header("X-Final") == "yes")
        #expect(response.header("X-Interim") == nil)
        #expect(response.body == Array("final".utf8))
    }

    @Test(arguments: [204, 400, 404, 421, 429, 503])
    func errorStatusesAreResponses(status: Int) throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let response = try client.send(HTTPRequest(method: "POST", url: server.url + "/status?code=\(status)")).get()
        #expect(response.status == status)
        #expect(response.body == (status == 204 ? [] : Array("status body".utf8)))
    }

    @Test func oversizedBodyIsRefused() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient(configuration: HTTPClientConfiguration(maxResponseBodyBytes: 1000))
        let result = client.send(HTTPRequest(method: "POST", url: server.url + "/echo", body: patternBytes(5000)))
        guard case .failure(.other(_, let message)) = result else {
            Issue.record("expected .other, got \(result)")
            return
        }
        #expect(message.contains("exceeds 1000 bytes"))
        let small = try client.send(HTTPRequest(method: "POST", url: server.url + "/echo", body: [7])).get()
        #expect(small.body == [7])
    }
}
