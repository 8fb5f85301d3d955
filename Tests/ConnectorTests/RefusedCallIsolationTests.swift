@testable import AWS
@testable import Connector
@testable import RemoteStorage
@testable import TimestreamCodec
import Testing

/// A WriteRecords call Timestream refuses whole because of one of its records: the other records are stored.
@Suite struct RefusedCallIsolationTests {
    /// 99 series of `good` and, at `badAt`, `node_x{up="1"}`: in a table that has a measure `up`, Timestream
    /// refuses any call holding a dimension `up` ("cannot be both a dimension and a measure name").
    static func request(badAt: Int) -> ServiceRequest { request(badAt: [badAt]) }

    /// `count` series (100: one call): `node_x{up="k"}` at each place in `badAt` (ascending), `good{i=…}` elsewhere.
    static func request(badAt: [Int], count: Int = 100) -> ServiceRequest {
        var series = (0..<(count - badAt.count)).map { i in
            TimeSeries(
                labels: [Label(name: "__name__", value: "good"), Label(name: "i", value: "\(i)")],
                samples: [Sample(value: Double(i), timestamp: 1_700_000_000_000)])
        }
        for (k, place) in badAt.enumerated() {
            series.insert(
                TimeSeries(labels: [Label(name: "__name__", value: "node_x"), Label(name: "up", value: "\(k + 1)")],
                    samples: [Sample(value: 7, timestamp: 1_700_000_000_000)]), at: place)
        }
        let headers = ScriptedTimestream.basicAuth + [("Content-Encoding", "snappy"), ("Content-Type", "application/x-protobuf")]
        return ServiceRequest(method: "POST", path: "/write", headers: headers, body: Snappy.compress(WriteRequest(timeseries: series).serialized()))
    }

    static let clash = TimestreamError.classified(
        code: "ValidationException", message: "The name up cannot be both a dimension and a measure name in a table.", httpStatus: 400)

    /// What a table holding the measure `up` does with a call: refuses it whole when a record has a dimension `up`.
    static func tableWithMeasureUp(_ call: WriteRecordsBody) -> Result<Void, TimestreamError> {
        String(decoding: call.json, as: UTF8.self).contains(#"{"Name":"up","#) ? .failure(clash) : .success(())
    }

    static func serve(_ timestream: ScriptedTimestream, _ request: ServiceRequest) -> (response: ServiceResponse, summary: InvocationSummary) {
        ConnectorService(config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { 0 })
            .respond(to: request, deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders)
    }

    /// Stored: every record a call of Timestream's accepted.
    static func stored(_ timestream: ScriptedTimestream) -> [String] {
        timestream.writes.filter { if case .success = tableWithMeasureUp($0) { true } else { false } }
            .flatMap { call in (0..<call.recordCount).compactMap { call.recordText($0) } }
    }

    /// One call refused for a record, another throttled: the answer is 503 (Prometheus re-sends the batch), so
    /// no isolation calls are added to a Timestream that is throttling.
    @Test func noIsolationWhenAnotherCallFailedTransiently() {
        let timestream = ScriptedTimestream()
        let throttled = TimestreamError.classified(code: "ThrottlingException", message: "Rate exceeded", httpStatus: 400)
        timestream.writeRule = { call in
            if case .failure(let error) = Self.tableWithMeasureUp(call) { return .failure(error) }
            return .failure(throttled)
        }
        let served = Self.serve(timestream, Self.request(badAt: [3], count: 200))
        #expect(served.response.statusCode == 503, "\(served.response.bodyText)")
        #expect(timestream.writes.count == 2)
    }

    @Test(arguments: [0, 37, 99])
    func theOneBadRecordIsRefusedAloneAndTheOthersAreStored(badAt: Int) {
        let timestream = ScriptedTimestream()
        timestream.writeRule = Self.tableWithMeasureUp
        let served = Self.serve(timestream, Self.request(badAt: badAt))
        #expect(served.response.statusCode == 400)
        let text = served.response.bodyText
        #expect(text.contains(#"call 1 of 1, record \#(badAt) (node_x{up="1"} 7.0 1700000000000): refused alone (ValidationException"#), "\(text)")
        #expect(text.contains("99 of 100 samples were written; not written: 1 rejected by Timestream"), "\(text)")
        #expect(served.summary.samplesWritten == 99 && served.summary.samplesRejected == 1)
        // every good series stored exactly once, the bad one never
        let stored = Self.stored(timestream)
        #expect(stored.count == 99 && Set(stored).count == 99 && !stored.contains { $0.hasPrefix("node_x") })
        #expect(timestream.writes.count <= 1 + RefusedCallIsolation.maxExtraCalls, "\(timestream.writes.count) calls")
    }

    /// Bad records in both halves, more than one per quarter, one in every quarter (every quarter refused: their
    /// middle records sent alone show the refusal is the records'; all 100 were reported refused before), and in six
    /// of eight eighths after a quarter was stored (split on; 75 were reported rejected before): each is found, the
    /// others are stored, within the budget.
    @Test(arguments: [[10, 60], [0, 3, 12], [0, 1, 60], [0, 25, 50, 75], [0, 12, 50, 62, 75, 87]])
    func badRecordsAcrossTheCallAreEachRefusedAlone(badAt: [Int]) {
        let timestream = ScriptedTimestream()
        timestream.writeRule = Self.tableWithMeasureUp
        let served = Self.serve(timestream, Self.request(badAt: badAt))
        let text = served.response.bodyText
        #expect(served.response.statusCode == 400)
        #expect(text.contains("\(100 - badAt.count) of 100 samples were written; not written: \(badAt.count) rejected by Timestream"), "\(text)")
        for (k, place) in badAt.enumerated().prefix(5) {  // the answer names the first five
            #expect(text.contains(#"record \#(place) (node_x{up="\#(k + 1)"} 7.0 1700000000000): refused alone"#), "\(text)")
        }
        let stored = Self.stored(timestream)
        #expect(stored.count == 100 - badAt.count && Set(stored).count == stored.count)
        #expect(timestream.writes.count <= 1 + RefusedCallIsolation.maxExtraCalls, "\(timestream.writes.count) calls")
    }

    /// A refusal that is the call's own (every part refused, down to the quarters, and their middle records alone):
    /// ten more calls, then the call counts as refused whole.
    @Test func aCallsOwnRefusalIsNotSplitFurther() {
        let timestream = ScriptedTimestream()
        timestream.writeRule = { _ in .failure(Self.clash) }
        let served = Self.serve(timestream, Self.request(badAt: 5))
        #expect(timestream.writes.map(\.recordCount) == [100, 50, 50, 25, 25, 25, 25, 1, 1, 1, 1])
        #expect(served.response.statusCode == 400)
        #expect(served.response.bodyText.contains("refused 1 of 1 WriteRecords calls whole"), "\(served.response.bodyText)")
        #expect(served.response.bodyText.contains("0 of 100 samples were written"))
    }

    /// Every call of a request refused with the same message for a reason of the calls' own: only the first is
    /// isolated (10 more calls); each other one costs two, its middle and last records alone.
    @Test func aRefusalOfEveryCallCostsTwoProbesPerOtherCall() {
        let timestream = ScriptedTimestream()
        timestream.writeRule = { _ in .failure(Self.clash) }
        let series = (0..<300).map { i in
            TimeSeries(labels: [Label(name: "__name__", value: "m"), Label(name: "i", value: "\(i)")], samples: [Sample(value: 1, timestamp: 1)])
        }
        let headers = ScriptedTimestream.basicAuth + [("Content-Encoding", "snappy"), ("Content-Type", "application/x-protobuf")]
        let served = Self.serve(timestream, ServiceRequest(
            method: "POST", path: "/write", headers: headers, body: Snappy.compress(WriteRequest(timeseries: series).serialized())))
        #expect(timestream.writes.map(\.recordCount) == [100, 100, 100, 50, 50, 25, 25, 25, 25, 1, 1, 1, 1, 1, 1, 1, 1])
        // the middle (of the 99 before the last) and last records of the second and third calls
        #expect(timestream.writes[13...].map { $0.recordText(0) } == [1, 2].flatMap { [timestream.writes[$0].recordText(49), timestream.writes[$0].recordText(99)] })
        #expect(served.response.statusCode == 400)
        #expect(served.response.bodyText.contains("refused 3 of 3 WriteRecords calls whole"), "\(served.response.bodyText)")
    }

    /// Every call refused with the same message, the first one all bad records: a later call with good records
    /// among its bad ones keeps them (they were reported refused with the first call's verdict before) — bad
    /// records spread but its middle good, or a bad run over its middle (a bad series of 11 samples) with its last
    /// record good.
    @Test(arguments: [[100, 125], Array(144...154)])
    func aCallWithGoodRecordsKeepsThemWhenTheFirstCallIsAllBad(badInSecondCall: [Int]) {
        let timestream = ScriptedTimestream()
        timestream.writeRule = Self.tableWithMeasureUp
        let bad = Array(0..<100) + badInSecondCall + Array(200..<300)  // calls 1 and 3 all bad
        let served = Self.serve(timestream, Self.request(badAt: bad, count: 300))
        let text = served.response.bodyText
        let good = 100 - badInSecondCall.count
        #expect(served.response.statusCode == 400)
        #expect(text.contains("\(good) of 300 samples were written"), "\(text)")
        #expect(text.contains("refused 2 of 3 WriteRecords calls whole"), "\(text)")
        let stored = Self.stored(timestream)
        #expect(stored.count == good && Set(stored).count == good && !stored.contains { $0.hasPrefix("node_x") })
        // three calls, ten for the first call's isolation, two probes each for the others, the second's split
        #expect(timestream.writes.count <= 3 + 10 + 2 * 2 + RefusedCallIsolation.maxExtraCalls - 2, "\(timestream.writes.count) calls")
    }

    /// Every quarter refused before anything was stored: the quarters' middle records are sent alone next.
    @Test func theQuartersMiddleRecordsAreSentAloneFirst() throws {
        let timestream = ScriptedTimestream()
        timestream.writeRule = Self.tableWithMeasureUp
        _ = Self.serve(timestream, Self.request(badAt: [0, 25, 50, 75]))
        try #require(timestream.writes.count >= 11)
        #expect(Array(timestream.writes.map(\.recordCount).prefix(11)) == [100, 50, 50, 25, 25, 25, 25, 1, 1, 1, 1])
        // the middle record of each quarter, as the first call holds them
        #expect(timestream.writes[7..<11].map { $0.recordText(0) } == [12, 37, 62, 87].map { timestream.writes[0].recordText($0) })
    }

    /// Every record bad (each one's own label clash): every quarter and every middle record refused, so the call
    /// counts as refused whole after ten more calls, not forty-eight.
    @Test func everyRecordBadEndsAfterTheProbes() {
        let timestream = ScriptedTimestream()
        timestream.writeRule = Self.tableWithMeasureUp
        let served = Self.serve(timestream, Self.request(badAt: Array(0..<100)))
        #expect(served.response.statusCode == 400)
        #expect(timestream.writes.map(\.recordCount) == [100, 50, 50, 25, 25, 25, 25, 1, 1, 1, 1])
        #expect(served.response.bodyText.contains("0 of 100 samples were written"), "\(served.response.bodyText)")
    }

    /// A short call with most records bad: a one-record part of the all-refused round counts as its own probe, and
    /// the good record is still found (the whole call was refused before).
    @Test func aShortCallWithMostRecordsBadKeepsItsGoodRecord() {
        let timestream = ScriptedTimestream()
        timestream.writeRule = Self.tableWithMeasureUp
        var series = (0..<4).map { k in
            TimeSeries(labels: [Label(name: "__name__", value: "node_x"), Label(name: "up", value: "\(k + 1)")],
                samples: [Sample(value: 7, timestamp: 1_700_000_000_000)])
        }
        series.append(TimeSeries(labels: [Label(name: "__name__", value: "good"), Label(name: "i", value: "0")],
            samples: [Sample(value: 1, timestamp: 1_700_000_000_000)]))
        let headers = ScriptedTimestream.basicAuth + [("Content-Encoding", "snappy"), ("Content-Type", "application/x-protobuf")]
        let served = Self.serve(timestream, ServiceRequest(
            method: "POST", path: "/write", headers: headers, body: Snappy.compress(WriteRequest(timeseries: series).serialized())))
        let text = served.response.bodyText
        #expect(served.response.statusCode == 400)
        #expect(text.contains("1 of 5 samples were written; not written: 4 rejected by Timestream"), "\(text)")
        #expect(Self.stored(timestream) == [#"good{i="0"} 1.0 1700000000000"#], "\(Self.stored(timestream))")
    }

    /// A transient failure while the parts are sent: 503, so Prometheus sends the whole request again.
    @Test func aTransientFailureOnTheWayIsTheAnswer() {
        let throttled = TimestreamError.classified(code: "ThrottlingException", message: "slow down", httpStatus: 400)
        let timestream = ScriptedTimestream(writeResults: [.failure(Self.clash), .failure(throttled)])
        timestream.writeRule = Self.tableWithMeasureUp
        let served = Self.serve(timestream, Self.request(badAt: 80))
        #expect(served.response.statusCode == 503)
        #expect(served.response.headers.contains { $0.name == "Retry-After" })
    }

    /// Records Timestream rejects one by one inside a part keep their index in the whole call.
    @Test func rejectedRecordsOfAPartAreNamedByTheirPlaceInTheCall() {
        let late = TimestreamError.classified(
            code: "RejectedRecordsException", message: "rejected", httpStatus: 419,
            rejectedRecords: [RejectedRecord(recordIndex: 2, reason: "The record timestamp is outside the time range")])
        // the whole call refused; its first half (records 0-49) rejects its record 2 by itself; the second half holds
        // the bad record 80, isolated as before
        let timestream = ScriptedTimestream(writeResults: [.failure(Self.clash), .failure(late)])
        timestream.writeRule = Self.tableWithMeasureUp
        let served = Self.serve(timestream, Self.request(badAt: 80))
        let text = served.response.bodyText
        #expect(served.response.statusCode == 400)
        #expect(text.contains(#"record 2 (good{i="2"} 2.0 1700000000000): The record timestamp is outside the time range"#), "\(text)")
        #expect(text.contains(#"record 80 (node_x{up="1"} 7.0 1700000000000): refused alone"#), "\(text)")
        #expect(text.contains("98 of 100 samples were written; not written: 2 rejected by Timestream"), "\(text)")
    }
}
