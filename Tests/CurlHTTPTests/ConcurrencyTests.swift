@testable import CurlHTTP
import Foundation
import Testing

@Suite struct ConcurrencyTests {
    /// 10 answers of 200 ms each: the server sees them in flight together.
    @Test func sendAllOverlapsRequests() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let requests = Array(repeating: HTTPRequest(method: "GET", url: server.url + "/delay?ms=200"), count: 10)
        let results = client.sendAll(requests, maxConcurrent: 10)
        #expect(try results.map { try $0.get().status } == Array(repeating: 200, count: 10))
        #expect(try server.stats().maxInFlight > 5)
    }

    @Test func maxConcurrentBoundsRequestsInFlight() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let requests = Array(repeating: HTTPRequest(method: "GET", url: server.url + "/delay?ms=150"), count: 9)
        let results = client.sendAll(requests, maxConcurrent: 3)
        #expect(results.allSatisfy { (try? $0.get().status) == 200 })
        let stats = try server.stats()
        #expect(stats.maxInFlight <= 3 && stats.maxInFlight >= 2, "max in flight \(stats.maxInFlight)")
        #expect(client.statistics.connectionsOpened <= 3)
    }

    /// A request's timeout counts from the `sendAll` call: one that waits for a slot behind `maxConcurrent` gets
    /// only what is left. One at a time, three 1000 ms answers: the first (1500 ms) arrives; the second (1500 ms)
    /// starts with ≤ 500 ms left and times out; the third (800 ms) ran out while it waited and is never sent.
    @Test func aRequestWaitingForASlotSpendsItsTimeout() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let slow = { (timeout: Int) in
            HTTPRequest(method: "GET", url: server.url + "/delay?ms=1000", timeoutMilliseconds: timeout)
        }
        let results = client.sendAll([slow(1500), slow(1500), slow(800)], maxConcurrent: 1)
        #expect((try? results[0].get().status) == 200)
        guard case .failure(.timeout) = results[1], case .failure(.timeout(let why)) = results[2] else {
            Issue.record("expected 200, then two timeouts: \(results)")
            return
        }
        #expect(why.contains("waited"), "the third ran out before it was sent: \(why)")
        #expect(try server.stats().requests == 2, "the request left no time was never sent")
    }

    /// An empty batch has nothing to wait for (it used to wait forever: checked from a thread of its own).
    @Test func anEmptyBatchReturnsAtOnce() throws {
        let client = try HTTPClient()
        let returned = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            if client.sendAll([], maxConcurrent: 4).isEmpty { returned.signal() }
        }
        #expect(returned.wait(timeout: .now() + 10) == .success, "sendAll([]) did not return []")
    }

    /// More requests than `HTTPClient.pinnedAtOnce` go out group after group: every one is sent once, each answer
    /// is its own request's, in input order.
    @Test func largeBatchGoesOutInPinnedGroups() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let count = 2 * HTTPClient.pinnedAtOnce + 3
        let requests = (0..<count).map {
            HTTPRequest(method: "POST", url: server.url + "/echo?ms=\($0 % 3)", body: Array("#\($0)".utf8))
        }
        let results = client.sendAll(requests, maxConcurrent: 16)
        #expect(results.map { try? $0.get().body } == (0..<count).map { Array("#\($0)".utf8) })
        #expect(client.statistics.requestsSent == count)
        #expect(try server.stats().requests == count)
    }

    /// The groups of a large `sendAll` share its start: a request in a later group has only what its timeout has
    /// left after the earlier groups (here 700 ms spent by the first group, against a 500 ms timeout: never sent).
    @Test func laterGroupsSpendTheTimeoutFromTheCall() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        var requests = [HTTPRequest(method: "GET", url: server.url + "/delay?ms=700")]
        requests += (1..<HTTPClient.pinnedAtOnce).map { HTTPRequest(method: "POST", url: server.url + "/echo", body: Array("#\($0)".utf8)) }
        requests.append(HTTPRequest(method: "POST", url: server.url + "/echo", body: Array("late".utf8), timeoutMilliseconds: 500))
        let results = client.sendAll(requests, maxConcurrent: 8)
        #expect(results.dropLast().allSatisfy { (try? $0.get().status) == 200 })
        guard case .failure(.timeout(let why)) = results.last else {
            Issue.record("the last group's request got its whole timeout again: \(String(describing: results.last))")
            return
        }
        #expect(why.contains("waited"), "\(why)")
        #expect(try server.stats().requests == HTTPClient.pinnedAtOnce)
    }

    @Test func resultsFollowInputOrderWithFailuresInPlace() throws {
        let server = try BehaviourServer()
        let client = try HTTPClient()
        let refused = "http://127.0.0.1:\(closedLocalPort())/"
        let requests = (0..<12).map { i in
            switch i % 4 {
            case 1: HTTPRequest(method: "GET", url: refused)
            case 3: HTTPRequest(method: "GET", url: "gopher://127.0.0.1/")
            default: HTTPRequest(
                method: "POST", url: server.url + "/echo?ms=\(40 * (12 - i))", body: Array("#\(i)".utf8))
            }
        }
        let results = client.sendAll(requests, maxConcurrent: 4)
        #expect(results.count == 12)
        for (i, result) in results.enumerated() {
            switch (i % 4, result) {
            case (1, .failure(.connect)), (3, .failure(.invalidRequest)): continue
            case (0, .success(let response)), (2, .success(let response)):
                // Later requests answer sooner, so completion order is not input order.
                #expect(response.status == 200 && response.body == Array("#\(i)".utf8))
            default: Issue.record("request \(i): unexpected \(result)")
            }
        }
        #expect(client.statistics.transportErrors == 6)
    }
}
