@testable import AWS
@testable import CurlHTTP
import Foundation
import Testing

/// Backoff with full jitter, the attempt bound and the deadline, on a fake clock.
@Suite struct RetryTests {
    let throttled = json(
        400, #"{"__type":"com.amazonaws.timestream.v20181101#ThrottlingException","message":"Rate exceeded"}"#)

    func client(
        _ transport: ScriptedTransport, _ clock: FakeClock, _ jitter: MaxJitter, policy: RetryPolicy = RetryPolicy()
    ) -> TimestreamClient {
        TimestreamClient(
            transport: transport, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .fixed("https://w.example"), query: .fixed("https://q.example")),
            clock: clock, jitter: jitter, retryPolicy: policy)
    }

    /// The one wall clock (Lambda deadlines, retries, credentials' expiry) reads Unix epoch milliseconds.
    @Test func theSystemClockIsTheUnixEpochInMilliseconds() {
        let ours = SystemClock().nowMilliseconds()
        #expect(abs(ours - Int64(Date().timeIntervalSince1970 * 1000)) < 1000)
    }

    @Test func throttlingThenSuccess() throws {
        let transport = ScriptedTransport { _, index in index < 2 ? throttled : json(200, writeSuccess) }
        let clock = FakeClock(), jitter = MaxJitter()
        let timestream = client(transport, clock, jitter)
        let tally = CallTally()
        let result = timestream.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 30_000), tally: tally)
        try result[0].get()
        #expect(transport.requests.count == 3)
        #expect(tally.callsSent == 3 && tally.retriesSent == 2)
        #expect(jitter.bounds == [50, 100])  // full jitter over base × 2^(n-1)
        #expect(clock.sleeps == [50, 100])
        // Every attempt is signed afresh with the clock's current time.
        #expect(Set(transport.requests.map { $0.header("X-Amz-Date")! }).count >= 1)
        #expect(
            transport.requests.allSatisfy {
                $0.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDTEST/") == true
            })
    }

    @Test func attemptsAreBounded() {
        let transport = ScriptedTransport { _, _ in json(500, #"{"__type":"InternalServerException","message":"boom"}"#)
        }
        let clock = FakeClock(), jitter = MaxJitter()
        let result = client(transport, clock, jitter).writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 600_000),
            maxAttempts: 4)
        #expect(transport.requests.count == 4)
        #expect(clock.sleeps == [50, 100, 200])
        guard case .failure(let error) = result[0] else { Issue.record("expected failure"); return }
        #expect(error.code == "InternalServerException" && error.isRetryable && error.httpStatus == 500)
        #expect(error.message.contains("after 4 attempts"))
    }

    @Test func defaultAttemptsAreTheGoConnectors() {
        let transport = ScriptedTransport { _, _ in .failure(.reset("peer closed")) }
        let clock = FakeClock()
        let c = client(transport, clock, MaxJitter())
        _ = c.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 3_600_000))
        #expect(transport.requests.count == 10)  // max_write_retries
        _ = c.query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 3_600_000),
            onPage: { _ in })
        #expect(transport.requests.count == 13)  // + max_read_retries
    }

    @Test func nonRetryableErrorsAreNotRetried() {
        let transport = ScriptedTransport { _, _ in json(400, #"{"__type":"ValidationException","message":"bad"}"#) }
        let clock = FakeClock()
        let result = client(transport, clock, MaxJitter()).writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 60_000))
        #expect(transport.requests.count == 1 && clock.sleeps.isEmpty)
        #expect(result[0].isFailure(code: "ValidationException"))
    }

    /// Each attempt "takes" 300 ms on the fake clock; backoff would grow to seconds. With a 2 s deadline the client
    /// must stop before it, never sleep past it, and clip every attempt's timeout to the time left.
    @Test func deadlineIsNeverOverslept() {
        let clock = FakeClock()
        let deadline = Deadline(epochMilliseconds: clock.now + 2_000)
        var timeoutsAndRemaining: [(Int?, Int64)] = []
        let transport = ScriptedTransport { request, _ in
            timeoutsAndRemaining.append((request.timeoutMilliseconds, deadline.epochMilliseconds - clock.now))
            // A real transport gives up at the request's timeout; the fake "takes" 300 ms or times out first.
            let timeout = Int64(request.timeoutMilliseconds ?? .max)
            clock.now += min(300, timeout)
            return timeout < 300 ? .failure(.timeout("fake")) : throttled
        }
        let jitter = MaxJitter()
        let policy = RetryPolicy(
            baseDelayMilliseconds: 200, maxDelayMilliseconds: 10_000, attemptTimeoutMilliseconds: 1_000)
        let result = client(transport, clock, jitter, policy: policy).writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: deadline, maxAttempts: 100)
        #expect(clock.now <= deadline.epochMilliseconds)
        #expect(transport.requests.count >= 2 && transport.requests.count < 100)
        for (timeout, remaining) in timeoutsAndRemaining {
            #expect(
                timeout != nil && Int64(timeout!) <= min(1_000, remaining)
                    && remaining >= policy.minimumAttemptMilliseconds)
        }
        guard case .failure(let error) = result[0] else { Issue.record("expected failure"); return }
        #expect(["ThrottlingException", "Transport"].contains(error.code) && error.isRetryable)
        #expect(error.message.contains("deadline"))
    }

    /// A DescribeEndpoints spends from the deadline: the call after it gets only what is left.
    @Test func discoveryTimeIsChargedToTheDeadline() {
        let clock = FakeClock()
        let deadline = Deadline(epochMilliseconds: clock.now + 1_000)
        var seen: [(timeout: Int64, remaining: Int64)] = []
        let transport = ScriptedTransport { request, _ in
            let timeout = Int64(request.timeoutMilliseconds ?? .max)
            seen.append((timeout, deadline.epochMilliseconds - clock.now))
            if request.header("X-Amz-Target") == "Timestream_20181101.DescribeEndpoints" {
                clock.now += 900
                return json(200, #"{"Endpoints":[{"Address":"ingest-cell1.timestream.us-east-1.amazonaws.com","CachePeriodInMinutes":1}]}"#)
            }
            clock.now += timeout
            return .failure(.timeout("fake"))
        }
        let client = TimestreamClient(
            transport: transport, region: "us-east-1", endpoints: EndpointConfiguration(), clock: clock, jitter: MaxJitter())
        _ = client.writeRecords([sampleWrite()], credentials: testCredentials, deadline: deadline)
        #expect(seen.count == 2 && seen.allSatisfy { $0.timeout <= $0.remaining }, "\(seen)")
        #expect(clock.now <= deadline.epochMilliseconds)
        // with less than a minimal attempt left after discovery, the call is not sent at all
        let late = FakeClock()
        let lateDeadline = Deadline(epochMilliseconds: late.now + 1_000)
        let slowDiscovery = ScriptedTransport { request, _ in
            late.now += 980
            return json(200, #"{"Endpoints":[{"Address":"ingest-cell1.timestream.us-east-1.amazonaws.com","CachePeriodInMinutes":1}]}"#)
        }
        let result = TimestreamClient(
            transport: slowDiscovery, region: "us-east-1", endpoints: EndpointConfiguration(), clock: late, jitter: MaxJitter()
        ).writeRecords([sampleWrite()], credentials: testCredentials, deadline: lateDeadline)
        #expect(slowDiscovery.requests(for: "WriteRecords").isEmpty)
        #expect(result[0].isFailure(code: "DeadlineExceeded"))
    }

    @Test func pastDeadlineSendsNothing() {
        let transport = ScriptedTransport { _, _ in json(200, writeSuccess) }
        let clock = FakeClock()
        let result = client(transport, clock, MaxJitter()).writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 10))
        #expect(transport.requests.isEmpty)
        #expect(result[0].isFailure(code: "DeadlineExceeded"))
        let query = client(transport, clock, MaxJitter()).query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now - 1),
            onPage: { _ in })
        #expect(transport.requests.isEmpty)
        if case .failure(let error) = query {
            #expect(error.code == "DeadlineExceeded" && error.isRetryable)
        } else {
            Issue.record("expected failure")
        }
    }

    @Test func backoffCeilingGrowsAndCaps() {
        let policy = RetryPolicy(baseDelayMilliseconds: 50, maxDelayMilliseconds: 1_000)
        #expect((1...7).map { policy.backoffCeiling(retry: $0) } == [50, 100, 200, 400, 800, 1_000, 1_000])
        #expect(policy.backoffCeiling(retry: 1_000) == 1_000)
        let jitter = SystemJitter()
        #expect((0..<1000).allSatisfy { _ in (0...80).contains(jitter.jitter(upTo: 80)) })
    }
}

extension Result where Failure == TimestreamError {
    func isFailure(code: String) -> Bool {
        if case .failure(let error) = self { return error.code == code }
        return false
    }
}
