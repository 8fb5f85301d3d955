import TestSupport
@testable import TimestreamCodec
@testable import AWS
@testable import CurlHTTP
import Foundation
import Testing

@Suite struct ParallelWriteTests {
    func client(_ transport: ScriptedTransport, _ clock: FakeClock) -> TimestreamClient {
        TimestreamClient(
            transport: transport, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .fixed("https://w.example"), query: .discover),
            clock: clock, jitter: MaxJitter())
    }

    /// 20 batches of 100 (a 2000-sample request) go out through ONE sendAll; a throttled batch is retried alone,
    /// a rejected one is not retried; results come back in request order.
    @Test func allBatchesThroughOneSendAllEachRetriedIndependently() {
        let batches = (0..<20).map { index in
            var batch = sampleWrite(records: 100, value: String(index))
            batch.tableName = "t\(index)"
            return batch
        }
        var throttledOnce = false
        let transport = ScriptedTransport { request, _ in
            let table = jsonObject(request.body)["TableName"] as? String
            if table == "t3" && !throttledOnce {
                throttledOnce = true
                return json(400, #"{"__type":"ThrottlingException","message":"slow down"}"#)
            }
            if table == "t7" {
                return json(
                    419,
                    #"{"__type":"RejectedRecordsException","message":"rejected","RejectedRecords":[{"RecordIndex":42,"Reason":"bad value"}]}"#
                )
            }
            return json(200, writeSuccess)
        }
        let clock = FakeClock()
        let results = client(transport, clock).writeRecords(
            batches, credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 30_000),
            maxConcurrent: 8)
        #expect(transport.sendAllBatches.first?.count == 20)
        #expect(
            transport.sendAllBatches.first.map { $0.map { jsonObject($0.body)["TableName"] as? String } }
                == batches.map(\.tableName))
        #expect(transport.singleSends == 1)  // the lone retry of t3
        #expect(transport.requests.count == 21)
        #expect(transport.requests.last.map { jsonObject($0.body)["TableName"] as? String } == "t3")
        for (index, result) in results.enumerated() {
            if index == 7 {
                guard case .failure(let error) = result else { Issue.record("t7 must fail"); continue }
                #expect(
                    error.rejectedRecords == [RejectedRecord(recordIndex: 42, reason: "bad value")]
                        && !error.isRetryable)
            } else {
                #expect((try? result.get()) != nil, "batch \(index)")
            }
        }
        #expect(clock.sleeps == [50])
    }

    @Test func requestsAreSignedTimestreamJSON() throws {
        let transport = ScriptedTransport { _, _ in json(200, writeSuccess) }
        let session = Credentials(accessKeyID: "ASIAX", secretAccessKey: "s", sessionToken: "tok")
        _ = client(transport, FakeClock()).writeRecords(
            [sampleWrite(), sampleWrite()], credentials: session, deadline: Deadline(epochMilliseconds: .max))
        for request in transport.requests {
            #expect(request.method == "POST" && request.url == "https://w.example/")
            #expect(request.header("Content-Type") == "application/x-amz-json-1.0")
            #expect(request.header("X-Amz-Target") == "Timestream_20181101.WriteRecords")
            #expect(request.header("X-Amz-Security-Token") == "tok")
            #expect(request.header("X-Amz-Date") == "20231114T221320Z")
            #expect(
                request.header("Authorization")?.contains(
                    "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target") == true)
            let body = jsonObject(request.body)
            #expect((body["Records"] as? [Any])?.count == 1 && body["DatabaseName"] as? String == "db")
        }
    }

    @Test func invalidBatchSizesFailWithoutBeingSent() {
        let transport = ScriptedTransport { _, _ in json(200, writeSuccess) }
        let results = client(transport, FakeClock()).writeRecords(
            [sampleWrite(records: 101), sampleWrite(records: 100), sampleWrite(records: 0)],
            credentials: testCredentials,
            deadline: Deadline(epochMilliseconds: .max))
        #expect(results[0].isFailure(code: "ValidationException") && results[2].isFailure(code: "ValidationException"))
        #expect((try? results[1].get()) != nil)
        #expect(transport.requests.count == 1)
    }
}
