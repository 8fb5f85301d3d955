@testable import CurlHTTP
import Foundation
import Synchronization
import Testing

/// One `HTTPClient` called from many threads at once, as `AWS_LAMBDA_MAX_CONCURRENCY` invocation loops call it:
/// the calls run side by side (the server sees them in flight together — no clock involved), each thread gets
/// its own answers, one thread's failure stays its own, and the threads share one connection pool.
@Suite struct SharedClientTests {
    @Test func threadsCallingOneClientRunSideBySideAndGetTheirOwnAnswers() throws {
        let server = try BehaviourServer()
        let base = server.url
        let client = try HTTPClient()
        let threads = 8
        // The server holds every request until all 8 are held at once: a 200 for each proves they were in flight
        // together (serialised calls would each wait for the others and get 504).
        let answers = onThreads(threads) { thread in
            client.send(
                HTTPRequest(
                    method: "POST", url: base + "/barrier?n=\(threads)&group=first", body: Array("thread \(thread)".utf8)))
        }
        for (thread, answer) in answers.enumerated() {
            #expect((try? answer.get().status) == 200, "thread \(thread): \(answer)")
            #expect((try? answer.get().body) == Array("thread \(thread)".utf8), "thread \(thread): \(answer)")
        }
        #expect(try server.stats().maxInFlight == threads)
        #expect(client.statistics.connectionsOpened == threads)

        // A second wave, again all in flight together, reuses the pool: no new connections.
        let again = onThreads(threads) { thread in
            client.sendAll(
                [HTTPRequest(method: "POST", url: base + "/barrier?n=\(threads)&group=second", body: Array("again \(thread)".utf8))],
                maxConcurrent: 1)
        }
        for (thread, results) in again.enumerated() {
            #expect(results.map { try? $0.get().status } == [200])
            #expect(results.map { try? $0.get().body } == [Array("again \(thread)".utf8)])
        }
        #expect(client.statistics.connectionsOpened == threads, "\(client.statistics)")
        #expect(client.statistics.requestsSent == 2 * threads)
    }

    @Test func batchesFromSeveralThreadsAndAFailureStayApart() throws {
        let server = try BehaviourServer()
        let base = server.url
        let client = try HTTPClient()
        let refused = "http://127.0.0.1:\(closedLocalPort())/"
        // Thread 0 fails at once; the others send batches of 5 with at most 2 in flight each.
        let results = onThreads(4) { thread in
            thread == 0
                ? client.sendAll([HTTPRequest(method: "GET", url: refused)], maxConcurrent: 1)
                : client.sendAll(
                    (0..<5).map {
                        HTTPRequest(method: "POST", url: base + "/echo?ms=\(50 * (5 - $0))", body: Array("\(thread).\($0)".utf8))
                    }, maxConcurrent: 2)
        }
        guard case .failure(.connect) = results[0].first else {
            Issue.record("thread 0: \(results[0])")
            return
        }
        for thread in 1..<4 {
            #expect(results[thread].map { try? $0.get().body } == (0..<5).map { Array("\(thread).\($0)".utf8) })
        }
        // Three batches of at most 2 each: never more than 6 in flight.
        let inFlight = try server.stats().maxInFlight
        #expect(inFlight <= 6, "max in flight \(inFlight)")
        #expect(client.statistics.transportErrors == 1)
    }

    /// libcurl reads each body from the caller's own array until the transfer ends (`HTTPClient.pinning`, no
    /// copy). Bodies over 64 KiB, which libcurl sends in pieces over several passes rather than with the headers,
    /// from six threads at once, run by whichever thread drives the engine: each arrives intact and comes back to
    /// its own thread.
    @Test func largeBodiesFromSeveralThreadsArriveIntact() throws {
        let server = try BehaviourServer()
        let base = server.url
        let client = try HTTPClient()
        let outcomes = onThreads(6) { thread -> [String] in
            let bodies = (0..<4).map { index in
                patternBytes((64 << 10) + 4_099 * (thread * 4 + index)).map { $0 ^ UInt8(thread * 4 + index) }
            }
            let answers = client.sendAll(
                bodies.enumerated().map { HTTPRequest(method: "POST", url: base + "/echo?ms=\(5 * $0.offset)", body: $0.element) },
                maxConcurrent: 2)
            return zip(bodies, answers).map { body, answer in
                guard case .success(let response) = answer else { return "\(answer)" }
                return response.header("X-Body-Sha256") == sha256Hex(body) && response.body == body ? "intact" : "changed"
            }
        }
        #expect(outcomes == Array(repeating: Array(repeating: "intact", count: 4), count: 6))
    }
}

/// Runs `body` on `count` threads started together; returns their results in thread order.
func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = Mutex<[Int: T]>([:])
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread {
            let value = body(index)
            results.withLock { $0[index] = value }
            done.leave()
        }.start()
    }
    done.wait()
    return results.withLock { all in (0..<count).map { all[$0]! } }
}
