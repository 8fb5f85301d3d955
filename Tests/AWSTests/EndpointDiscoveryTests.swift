@testable import TimestreamCodec
@testable import AWS
@testable import CurlHTTP
import Testing

/// DescribeEndpoints caching per (region, key id, API) for CachePeriodInMinutes, and the 421 refresh.
@Suite struct EndpointDiscoveryTests {
    /// Answers DescribeEndpoints with `cell<N>` addresses (N = discovery count) and succeeds everything else.
    func discoveringTransport(
        cacheMinutes: Int = 1, otherwise: ((HTTPRequest) -> Result<HTTPResponse, TransportError>)? = nil
    ) -> ScriptedTransport {
        var discoveries = 0
        return ScriptedTransport { request, _ in
            if request.header("X-Amz-Target") == "Timestream_20181101.DescribeEndpoints" {
                discoveries += 1
                let api = request.url.contains("://query.") ? "query" : "ingest"
                return json(
                    200,
                    #"{"Endpoints":[{"Address":"\#(api)-cell\#(discoveries).timestream.us-east-1.amazonaws.com","CachePeriodInMinutes":\#(cacheMinutes)}]}"#
                )
            }
            return otherwise?(request) ?? json(200, writeSuccess)
        }
    }

    @Test func discoversOnceThenUsesCacheUntilTTL() {
        let transport = discoveringTransport(cacheMinutes: 10)
        let clock = FakeClock()
        let client = TimestreamClient(
            transport: transport, region: "us-east-1", endpoints: EndpointConfiguration(), clock: clock,
            jitter: MaxJitter())
        let deadline = Deadline(epochMilliseconds: clock.now + 3_600_000)
        for _ in 0..<3 {
            #expect(
                (try? client.writeRecords([sampleWrite()], credentials: testCredentials, deadline: deadline)[0].get())
                    != nil)
        }
        let discoveries = transport.requests(for: "DescribeEndpoints")
        #expect(discoveries.count == 1)
        #expect(discoveries.first?.url == "https://ingest.timestream.us-east-1.amazonaws.com/")
        #expect(discoveries.first?.header("Authorization")?.contains("/us-east-1/timestream/aws4_request") == true)
        #expect(
            transport.requests(for: "WriteRecords").map(\.url)
                == Array(repeating: "https://ingest-cell1.timestream.us-east-1.amazonaws.com/", count: 3))

        clock.now += 10 * 60_000 - 1  // still inside CachePeriodInMinutes
        _ = client.writeRecords([sampleWrite()], credentials: testCredentials, deadline: deadline)
        #expect(transport.requests(for: "DescribeEndpoints").count == 1)
        clock.now += 1  // expired
        _ = client.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 60_000))
        #expect(transport.requests(for: "DescribeEndpoints").count == 2)
        #expect(
            transport.requests(for: "WriteRecords").last?.url
                == "https://ingest-cell2.timestream.us-east-1.amazonaws.com/")
    }

    @Test func cachedPerAccessKeyAndPerAPI() {
        let transport = ScriptedTransport { request, _ in
            if request.header("X-Amz-Target") == "Timestream_20181101.DescribeEndpoints" {
                let api = request.url.contains("://query.") ? "query" : "ingest"
                return json(200, #"{"Endpoints":[{"Address":"\#(api).cell.example","CachePeriodInMinutes":60}]}"#)
            }
            if request.header("X-Amz-Target") == "Timestream_20181101.Query" {
                return json(200, #"{"Rows":[],"ColumnInfo":[]}"#)
            }
            return json(200, writeSuccess)
        }
        let clock = FakeClock()
        let client = TimestreamClient(
            transport: transport, region: "us-east-1", endpoints: EndpointConfiguration(), clock: clock)
        let deadline = Deadline(epochMilliseconds: clock.now + 60_000)
        let other = Credentials(accessKeyID: "AKIDOTHER", secretAccessKey: "s2")
        _ = client.writeRecords([sampleWrite()], credentials: testCredentials, deadline: deadline)
        _ = client.writeRecords([sampleWrite()], credentials: other, deadline: deadline)
        _ = client.writeRecords([sampleWrite()], credentials: other, deadline: deadline)
        _ = client.query("SELECT 1", credentials: other, deadline: deadline, onPage: { _ in })
        let discoveries = transport.requests(for: "DescribeEndpoints")
        #expect(
            discoveries.map(\.url) == [
                "https://ingest.timestream.us-east-1.amazonaws.com/",
                "https://ingest.timestream.us-east-1.amazonaws.com/",
                "https://query.timestream.us-east-1.amazonaws.com/",
            ])
        #expect(
            discoveries.map { $0.header("Authorization")!.contains("Credential=AKIDOTHER/") } == [false, true, true])
        #expect(transport.requests(for: "Query").first?.url == "https://query.cell.example/")
    }

    /// One write through a discovering client whose first `stale` WriteRecords calls answer 421.
    func writeAfter421s(_ stale: Int) -> (result: Result<Void, TimestreamError>, transport: ScriptedTransport, clock: FakeClock) {
        var writes = 0
        let transport = discoveringTransport(cacheMinutes: 1440) { _ in
            writes += 1
            return writes <= stale
                ? json(
                    421,
                    #"{"__type":"com.amazonaws.timestream.v20181101#InvalidEndpointException","message":"The endpoint is invalid"}"#
                )
                : json(200, writeSuccess)
        }
        let clock = FakeClock()
        let client = TimestreamClient(
            transport: transport, region: "us-east-1", endpoints: EndpointConfiguration(), clock: clock,
            jitter: MaxJitter())
        let result = client.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 10_000))
        return (result[0], transport, clock)
    }

    @Test func invalidEndpoint421RefreshesAndRetriesWithoutSleeping() {
        let (result, transport, clock) = writeAfter421s(1)
        #expect((try? result.get()) != nil)
        #expect(transport.requests(for: "DescribeEndpoints").count == 2)
        #expect(
            transport.requests(for: "WriteRecords").map(\.url) == [
                "https://ingest-cell1.timestream.us-east-1.amazonaws.com/",
                "https://ingest-cell2.timestream.us-east-1.amazonaws.com/",
            ])
        #expect(clock.sleeps.isEmpty)
    }

    /// An endpoint that stays stale after a rediscovery (the same cell answering 421 again): only the first retry
    /// is immediate, the next waits its backoff instead of hammering DescribeEndpoints and WriteRecords.
    @Test func anEndpointThatStaysStaleBacksOffAfterOneImmediateRediscovery() {
        let (result, transport, clock) = writeAfter421s(2)
        #expect((try? result.get()) != nil)
        #expect(transport.requests(for: "WriteRecords").count == 3)
        #expect(clock.sleeps.count == 1, "one backoff, after the second 421: \(clock.sleeps)")
    }

    /// DescribeEndpoints refused (a wrong region or discovery URL answers 404): a deployment error, marked so the
    /// answer keeps Prometheus retrying (500), not a 400 that drops the data. Throttling stays transient.
    @Test func aRefusedDiscoveryIsADiscoveryFailure() {
        let refusing = ScriptedTransport { _, _ in json(404, #"{"__type":"UnknownOperationException","message":"no"}"#) }
        let client = TimestreamClient(
            transport: refusing, region: "us-east-1", endpoints: EndpointConfiguration(), clock: FakeClock())
        let result = client.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max))
        guard case .failure(let error) = result[0] else { Issue.record("expected a failure"); return }
        #expect(error.isDiscoveryFailure && !error.isRetryable)
        let throttled = ScriptedTransport { _, _ in json(400, #"{"__type":"ThrottlingException","message":"slow"}"#) }
        let clock = FakeClock()
        let later = TimestreamClient(
            transport: throttled, region: "us-east-1", endpoints: EndpointConfiguration(), clock: clock, jitter: MaxJitter())
        let again = later.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 1_000))
        guard case .failure(let transient) = again[0] else { Issue.record("expected a failure"); return }
        #expect(transient.isRetryable && !transient.isDiscoveryFailure)
    }

    /// An endpoint setting that points at some other server answering 200: nothing counts as stored, and the
    /// failure is transient (Prometheus keeps the data) with the body's start in the message.
    @Test func a2xxThatIsNotTimestreamsAnswerStoresNothing() {
        for body in ["<html>welcome</html>", "{}", #"{"RecordsIngested":1}"#, ""] {
            let transport = ScriptedTransport { _, _ in json(200, body) }
            let client = TimestreamClient(
                transport: transport, region: "us-east-1", endpoints: EndpointConfiguration(write: .fixed("http://127.0.0.1:5055")),
                clock: FakeClock())
            let result = client.writeRecords(
                [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max))
            guard case .failure(let error) = result[0] else { Issue.record("\(body): counted as stored"); continue }
            #expect(error.code == "InvalidResponse" && error.isRetryable, "\(body): \(error)")
        }
        let real = ScriptedTransport { _, _ in json(200, writeSuccess) }
        let client = TimestreamClient(
            transport: real, region: "us-east-1", endpoints: EndpointConfiguration(write: .fixed("http://127.0.0.1:5055")),
            clock: FakeClock())
        let stored = client.writeRecords([sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max))
        #expect((try? stored[0].get()) != nil)
    }

    @Test func fixedEndpointSkipsDiscoveryAndDiscoverAtIsHonoured() {
        let transport = discoveringTransport()
        let client = TimestreamClient(
            transport: transport, region: "eu-west-1",
            endpoints: EndpointConfiguration(
                write: .fixed("http://127.0.0.1:5055"), query: .discoverAt("http://127.0.0.1:6000")),
            clock: FakeClock())
        _ = client.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max))
        #expect(transport.requests.map(\.url) == ["http://127.0.0.1:5055/"])
        #expect(transport.requests[0].header("Authorization")?.contains("/eu-west-1/timestream/aws4_request") == true)
        _ = client.query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max), onPage: { _ in })
        #expect(transport.requests[1].url == "http://127.0.0.1:6000/")
        // An explicitly http discovery URL keeps http for the discovered address (plain .discover is https-only,
        // see discoversOnceThenUsesCacheUntilTTL). The fake names addresses after the discovery host, here
        // 127.0.0.1, hence "ingest-cell1".
        #expect(transport.requests[2].url == "http://ingest-cell1.timestream.us-east-1.amazonaws.com/")
        #expect(transport.requests[2].header("X-Amz-Target") == "Timestream_20181101.Query")
    }

    @Test func discoveryFailuresAreReturnedTyped() {
        let denied = ScriptedTransport { _, _ in
            json(
                403,
                #"{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}"#
            )
        }
        let client = TimestreamClient(
            transport: denied, region: "us-east-1", endpoints: EndpointConfiguration(), clock: FakeClock())
        let result = client.writeRecords(
            [sampleWrite(), sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max))
        for outcome in result {
            guard case .failure(let error) = outcome else { Issue.record("expected failure"); continue }
            #expect(error.code == "UnrecognizedClientException" && error.isAuthFailure)
        }
        #expect(denied.requests.count == 1)  // not retried, nothing written
        let garbage = ScriptedTransport { _, _ in json(200, #"{"Endpoints":[]}"#) }
        let second = TimestreamClient(
            transport: garbage, region: "us-east-1", endpoints: EndpointConfiguration(), clock: FakeClock())
        let bad = second.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max))
        #expect(bad.first.map { if case .failure(let e) = $0 { e.code == "InvalidResponse" } else { false } } == true)
    }

    /// A retried endpoint lookup sends no WriteRecords call: the one call that goes out is not a retry.
    @Test func aRetriedLookupIsNotCountedAsARetriedCall() {
        var discoveries = 0
        let transport = ScriptedTransport { request, _ in
            guard request.header("X-Amz-Target") == "Timestream_20181101.DescribeEndpoints" else {
                return json(200, writeSuccess)
            }
            discoveries += 1
            return discoveries == 1
                ? json(500, #"{"__type":"InternalServerException","message":"try again"}"#)
                : json(200, #"{"Endpoints":[{"Address":"ingest-cell1.timestream.us-east-1.amazonaws.com","CachePeriodInMinutes":1}]}"#)
        }
        let clock = FakeClock()
        let client = TimestreamClient(
            transport: transport, region: "us-east-1", endpoints: EndpointConfiguration(), clock: clock,
            jitter: MaxJitter())
        let tally = CallTally()
        let result = client.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 60_000),
            tally: tally)
        #expect((try? result[0].get()) != nil)
        #expect(transport.requests(for: "DescribeEndpoints").count == 2)
        #expect(transport.requests(for: "WriteRecords").count == 1)
        #expect(tally.callsSent == 1 && tally.retriesSent == 0)
    }
}
