@testable import CurlHTTP
import Testing

@Suite struct RequestTests {
    /// The body arrives intact (server-side SHA-256 and length) and comes back byte for byte.
    @Test(arguments: [0, 1024, 5 << 20])
    func postBodyArrivesIntact(size: Int) throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let body = patternBytes(size)
        let response = try client.send(HTTPRequest(method: "POST", url: server.url + "/echo", body: body)).get()
        #expect(response.status == 200)
        #expect(response.header("X-Body-Length") == String(size))
        #expect(response.header("X-Body-Sha256") == sha256Hex(body))
        #expect(response.body == body)
        #expect(response.header("X-Seen-Expect") == nil, "no 100-continue round trip")
    }

    @Test(arguments: ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
    func methodIsSentAsGiven(method: String) throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let response = try client.send(HTTPRequest(method: method, url: server.url + "/echo")).get()
        #expect(response.status == 200)
        #expect(response.header("X-Method") == method)
        #expect(response.body.isEmpty)
    }

    @Test func deleteAndPutCarryBodies() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        for method in ["PUT", "DELETE"] {
            let body = Array("\(method) body".utf8)
            let response = try client.send(HTTPRequest(method: method, url: server.url + "/echo", body: body)).get()
            #expect(response.header("X-Method") == method)
            #expect(response.body == body)
        }
        // HEAD after bodies on the same handles: no stale POST state leaks into the next request.
        let head = try client.send(HTTPRequest(method: "HEAD", url: server.url + "/echo")).get()
        #expect(head.header("X-Method") == "HEAD" && head.header("X-Body-Length") == "0")
    }

    /// One client sending one request at a time reuses one easy handle, which keeps its options between transfers
    /// (no `curl_easy_reset`): every method, with and without a body, after every other one, arrives as given.
    @Test func aReusedHandleCarriesNothingIntoTheNextRequest() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let sequence: [(String, [UInt8])] = [
            ("POST", Array("first".utf8)), ("GET", []), ("HEAD", []), ("DELETE", []), ("PUT", Array("put".utf8)),
            ("GET", []), ("POST", []), ("OPTIONS", []), ("HEAD", []), ("PATCH", Array("patch".utf8)),
            ("DELETE", Array("delete".utf8)), ("GET", []), ("POST", Array("last".utf8)), ("HEAD", []),
        ]
        for (method, body) in sequence {
            let response = try client.send(HTTPRequest(method: method, url: server.url + "/echo", body: body)).get()
            #expect(response.status == 200)
            #expect(response.header("X-Method") == method, "\(method) after the previous request")
            #expect(response.header("X-Body-Length") == String(body.count), "\(method)'s body")
            #expect(response.body == (method == "HEAD" ? [] : body))
        }
        #expect(client.statistics.connectionsOpened == 1)
    }

    @Test func requestHeadersArriveAsGiven() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let request = HTTPRequest(
            method: "POST", url: server.url + "/echo",
            headers: [
                ("X-Amz-Target", "Timestream_20181101.WriteRecords"),
                ("Content-Type", "application/x-amz-json-1.0"),
                ("X-Empty", ""),
                ("X-Unicode", "naïve ✓"),
            ],
            body: Array("{}".utf8))
        let response = try client.send(request).get()
        #expect(response.header("X-Seen-X-Amz-Target") == "Timestream_20181101.WriteRecords")
        #expect(response.header("X-Seen-Content-Type") == "application/x-amz-json-1.0")
        #expect(response.header("X-Seen-X-Empty") == "")
        #expect(response.header("X-Seen-Accept-Encoding")?.contains("gzip") == true)
        #expect(response.header("X-Seen-Expect") == nil)
        // Raw UTF-8 bytes both ways (Python reads and writes header bytes as Latin-1, i.e. unchanged).
        #expect(response.header("X-Seen-X-Unicode") == "naïve ✓")
    }

    @Test func bodyWithoutContentTypeGetsNoInventedOne() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let response = try client.send(HTTPRequest(method: "POST", url: server.url + "/echo", body: [1, 2, 3])).get()
        #expect(response.header("X-Seen-Content-Type") == nil)
        #expect(response.header("X-Seen-Content-Length") == "3")
    }

    @Test func headerInjectionIsRefusedBeforeSending() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let bad = [
            HTTPRequest(method: "GET", url: server.url + "/echo", headers: [("X-A", "1\r\nX-Injected: 1")]),
            HTTPRequest(method: "GET", url: server.url + "/echo", headers: [("X A", "1")]),
            HTTPRequest(method: "GE T", url: server.url + "/echo"),
            HTTPRequest(method: "HEAD", url: server.url + "/echo", body: [1]),
        ]
        for result in client.sendAll(bad, maxConcurrent: 4) {
            guard case .failure(.invalidRequest) = result else {
                Issue.record("expected .invalidRequest, got \(result)")
                continue
            }
        }
        #expect(client.statistics.requestsSent == 0)
        #expect(try server.stats().requests == 0)
    }
}
