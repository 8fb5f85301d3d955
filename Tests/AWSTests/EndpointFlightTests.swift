@testable import AWS
@testable import CurlHTTP
import Foundation
import Synchronization
import Testing

/// Callers that miss the endpoint cache while a `DescribeEndpoints` for the same key is under way wait for it
/// instead of sending their own.
@Suite struct EndpointFlightTests {
    static let target = "Timestream_20181101.DescribeEndpoints"
    static let discovered = "https://ingest-cell1.timestream.us-east-1.amazonaws.com"

    /// Answers `DescribeEndpoints` (counted) with `answer` once `release` says so for that call (its number,
    /// from 1); from any thread.
    final class HeldDiscovery: HTTPTransport, Sendable {
        let discoveries = Atomic(0)
        let started = Semaphore()
        let release: @Sendable (Int) -> Bool
        let answer: Result<HTTPResponse, TransportError>

        init(answer: Result<HTTPResponse, TransportError>, release: @escaping @Sendable (Int) -> Bool) {
            self.answer = answer
            self.release = release
        }

        func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
            guard request.header("X-Amz-Target") == EndpointFlightTests.target else { return json(200, writeSuccess) }
            let number = discoveries.add(1, ordering: .relaxed).newValue
            started.signal()
            // Bounded, so a broken flight fails the test's expectations instead of hanging it.
            for _ in 0..<60_000 where !release(number) { usleep(1_000) }
            return answer
        }

        func sendAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, TransportError>] {
            requests.map(send)
        }
    }

    static func client(_ transport: HTTPTransport) -> TimestreamClient {
        TimestreamClient(transport: transport, region: "us-east-1", endpoints: EndpointConfiguration())
    }

    static let key = EndpointCache.FlightKey(
        EndpointCache.Key(region: "us-east-1", accessKeyID: testCredentials.accessKeyID, api: .write), testCredentials)

    /// `count` threads resolving the write endpoint at once; their outcomes.
    static func resolveAtOnce(_ client: TimestreamClient, count: Int, timeoutMilliseconds: Int64 = 30_000)
        -> [Result<String, TimestreamError>]
    {
        let outcomes = Mutex<[Result<String, TimestreamError>]>([])
        let done = Semaphore()
        for _ in 0..<count {
            Thread.detachNewThread {
                let outcome = client.resolveEndpoint(.write, credentials: testCredentials, timeoutMilliseconds: timeoutMilliseconds)
                outcomes.withLock { $0.append(outcome) }
                done.signal()
            }
        }
        for _ in 0..<count { done.wait() }
        return outcomes.withLock { $0 }
    }

    /// Eight requests miss at once (a cold start under load): one `DescribeEndpoints`, held until the seven
    /// others wait on it, and all eight get its endpoint.
    @Test func concurrentMissesShareOneDescribeEndpoints() {
        let client = Mutex<TimestreamClient?>(nil)
        let transport = HeldDiscovery(
            answer: json(200, #"{"Endpoints":[{"Address":"ingest-cell1.timestream.us-east-1.amazonaws.com","CachePeriodInMinutes":60}]}"#),
            release: { _ in client.withLock { $0?.endpointCache.withLock { $0.waiting(Self.key) } } == 7 })
        let made = Self.client(transport)
        client.withLock { $0 = made }
        let outcomes = Self.resolveAtOnce(made, count: 8)
        #expect(transport.discoveries.load(ordering: .relaxed) == 1)
        #expect(outcomes.count == 8 && outcomes.allSatisfy { (try? $0.get()) == Self.discovered }, "\(outcomes)")
        // cached now: nothing more is sent
        #expect((try? made.resolveEndpoint(.write, credentials: testCredentials, timeoutMilliseconds: 1_000).get()) == Self.discovered)
        #expect(transport.discoveries.load(ordering: .relaxed) == 1)
    }

    /// The leader's failure is every waiter's (Prometheus retries them all), and is not cached: the next miss
    /// asks again.
    @Test func aFailedDiscoveryReachesEveryWaiterAndIsNotKept() {
        let client = Mutex<TimestreamClient?>(nil)
        let transport = HeldDiscovery(
            answer: json(500, #"{"__type":"InternalServerException","message":"try again"}"#),
            release: { number in number > 1 || client.withLock { $0?.endpointCache.withLock { $0.waiting(Self.key) } } == 3 })
        let made = Self.client(transport)
        client.withLock { $0 = made }
        let outcomes = Self.resolveAtOnce(made, count: 4)
        #expect(transport.discoveries.load(ordering: .relaxed) == 1)
        #expect(outcomes.count == 4)
        for outcome in outcomes {
            guard case .failure(let error) = outcome else {
                Issue.record("succeeded: \(outcome)")
                continue
            }
            #expect(error.code == "InternalServerException" && error.isRetryable)
        }
        _ = made.resolveEndpoint(.write, credentials: testCredentials, timeoutMilliseconds: 1_000)
        #expect(transport.discoveries.load(ordering: .relaxed) == 2)
    }

    /// Two callers with the same key id but different secrets or tokens (basic auth carries each caller's own):
    /// each sends its own DescribeEndpoints, and one's refusal is not the other's answer.
    @Test func callersWithOtherCredentialsDoNotShareAFlight() {
        final class ByToken: HTTPTransport, Sendable {
            let discoveries = Atomic(0)
            func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
                discoveries.add(1, ordering: .relaxed)
                // Both discoveries are under way before either is answered.
                for _ in 0..<60_000 where discoveries.load(ordering: .relaxed) < 2 { usleep(1_000) }
                return request.header("X-Amz-Security-Token") == "good"
                    ? json(200, #"{"Endpoints":[{"Address":"ingest-cell1.timestream.us-east-1.amazonaws.com","CachePeriodInMinutes":60}]}"#)
                    : json(403, #"{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}"#)
            }
            func sendAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, TransportError>] { requests.map(send) }
        }
        let transport = ByToken()
        let client = Self.client(transport)
        let outcomes = Mutex<[String: Result<String, TimestreamError>]>([:])
        let done = Semaphore()
        for token in ["bad", "good"] {
            Thread.detachNewThread {
                let credentials = Credentials(accessKeyID: "ASIASHARED", secretAccessKey: "secret-\(token)", sessionToken: token)
                let outcome = client.resolveEndpoint(.write, credentials: credentials, timeoutMilliseconds: 60_000)
                outcomes.withLock { $0[token] = outcome }
                done.signal()
            }
        }
        done.wait()
        done.wait()
        #expect(transport.discoveries.load(ordering: .relaxed) == 2)
        let byToken = outcomes.withLock { $0 }
        #expect((try? byToken["good"]?.get()) == Self.discovered)
        guard case .failure(let error)? = byToken["bad"] else {
            Issue.record("the bad token's outcome: \(String(describing: byToken["bad"]))")
            return
        }
        #expect(error.isAuthFailure)
    }

    /// A 421 answered by the old endpoint after another request discovered a new one leaves the new one cached.
    @Test func aLate421DoesNotForgetANewerEndpoint() {
        var cache = EndpointCache()
        let key = Self.key.key
        cache.store(key, baseURL: "https://cell-new", cacheMinutes: 60, now: 0)
        cache.invalidate(key, baseURL: "https://cell-old")
        #expect(cache.lookup(key, now: 1) == "https://cell-new")
        cache.invalidate(key, baseURL: "https://cell-new")
        #expect(cache.lookup(key, now: 1) == nil)
    }

    /// Keys that rotate (a new temporary access key id every hour) do not pile up: past `pruneAbove` entries the
    /// expired ones go; the live ones stay.
    @Test func expiredEndpointsOfOldKeysAreDropped() {
        var cache = EndpointCache()
        func key(_ hour: Int) -> EndpointCache.Key { .init(region: "us-east-1", accessKeyID: "ASIA\(hour)", api: .write) }
        let hour: Int64 = 3_600_000
        for h in 0..<1000 { cache.store(key(h), baseURL: "https://cell", cacheMinutes: 60, now: Int64(h) * hour) }
        #expect(cache.count <= EndpointCache.pruneAbove)
        #expect(cache.lookup(key(999), now: 999 * hour + 1) == "https://cell")
    }

    /// A waiter whose own time runs out first answers a time-out; the leader's call still lands for the others.
    @Test func aWaiterStopsWaitingAtItsOwnTimeout() {
        let waiterDone = Atomic(false)
        let transport = HeldDiscovery(
            answer: json(200, #"{"Endpoints":[{"Address":"ingest-cell1.timestream.us-east-1.amazonaws.com","CachePeriodInMinutes":60}]}"#),
            release: { _ in waiterDone.load(ordering: .relaxed) })
        let client = Self.client(transport)
        let leader = Mutex<Result<String, TimestreamError>?>(nil)
        let leaderDone = Semaphore()
        Thread.detachNewThread {
            let outcome = client.resolveEndpoint(.write, credentials: testCredentials, timeoutMilliseconds: 30_000)
            leader.withLock { $0 = outcome }
            leaderDone.signal()
        }
        transport.started.wait()  // the leader's DescribeEndpoints is under way
        let waiter = client.resolveEndpoint(.write, credentials: testCredentials, timeoutMilliseconds: 20)
        waiterDone.store(true, ordering: .relaxed)
        leaderDone.wait()
        guard case .failure(let error) = waiter else {
            Issue.record("the waiter's outcome: \(waiter)")
            return
        }
        #expect(error.code == "Transport" && error.isRetryable)
        #expect(error.message.contains("timed out: waited 20 ms for another request's DescribeEndpoints"), "\(error.message)")
        #expect((try? leader.withLock({ $0 })?.get()) == Self.discovered)
        #expect(transport.discoveries.load(ordering: .relaxed) == 1)
    }
}
