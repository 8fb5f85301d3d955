@testable import AWS
@testable import Connector
@testable import RemoteStorage
@testable import TimestreamCodec
@testable import TimestreamTranslation
import Testing

/// STREAMED_XOR_CHUNKS reads answered into a sink (as the standalone connector does): frames go out while the pages
/// arrive, a failure after the first frame aborts the answer, one before it is the usual error answer.
@Suite struct ServiceStreamTests {
    /// Records what the service sent, in order.
    final class RecordingSink: ResponseSink {
        var head: ServiceResponse? = nil
        var frames: [[UInt8]] = []
        var abortedWith: ServiceResponse? = nil

        func start(_ response: ServiceResponse) {
            head = response
            if !response.body.isEmpty { frames.append(response.body.bytes) }
        }
        func send(_ part: [UInt8]) { frames.append(part) }
        func abort(_ answer: ServiceResponse) { abortedWith = answer }
    }

    static let columns = ScriptedTimestream.columns(dimensions: ["instance"])

    /// `count` series (`instance` = host-1000…, in label order), one page each, 3 samples per series.
    static func pages(_ count: Int, columns: [ColumnInfo] = columns) -> [QueryPage] {
        (0..<count).map { s in
            QueryPage(
                columns: columns,
                rows: (0..<3).map { i in
                    [.scalar("host-\(1000 + s)"), .scalar("up"), .scalar("1970-01-01 00:00:0\(i).000000000"), .scalar("\(s).5")]
                })
        }
    }

    static func series(_ count: Int) -> [TimeSeries] {
        (0..<count).map { s in
            TimeSeries(
                labels: [Label(name: "__name__", value: "up"), Label(name: "instance", value: "host-\(1000 + s)")],
                samples: (0..<3).map { Sample(value: Double(s) + 0.5, timestamp: Int64($0) * 1000) })
        }
    }

    static func request(_ types: [ResponseType] = [.streamedXORChunks]) -> ServiceRequest {
        let read = ReadRequest(
            queries: [Query(startTimestampMs: 0, endTimestampMs: 1_000_000, matchers: [LabelMatcher(type: .equal, name: "__name__", value: "up")])],
            acceptedResponseTypes: types)
        return ServiceRequest(method: "POST", path: "/read", headers: ScriptedTimestream.basicAuth, body: Snappy.compress(read.serialized()))
    }

    static func service(_ timestream: ScriptedTimestream, maxReadSamples: Int = 3_000_000) -> ConnectorService {
        var config = ConnectorConfig(database: "db", table: "tbl")
        config.maxReadSamples = maxReadSamples
        return ConnectorService(config: config, timestream: timestream, now: { 0 })
    }

    static let throttled = TimestreamError(code: "ThrottlingException", message: "slow down", isRetryable: true)

    @Test func framesGoOutBeforeTheLastPageIsFetched() {
        let timestream = ScriptedTimestream(tableColumns: Self.columns) { _ in .success(Self.pages(10)) }
        let sink = RecordingSink()
        var framesBeforePage: [Int] = []
        timestream.beforePage = { _ in framesBeforePage.append(sink.frames.count) }
        let summary = Self.service(timestream).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders, into: sink)
        // A series is framed once the next one starts: before page k, the frames of series 0…k-2 are out.
        #expect(framesBeforePage == [0, 0, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect(sink.head?.statusCode == 200 && sink.abortedWith == nil && !summary.aborted)
        #expect(sink.frames == StreamedChunks.frames(results: [Self.series(10)]))
        #expect(summary.series == 10 && summary.samplesReturned == 30)
        #expect(timestream.selects.count == 1)
        #expect(timestream.selects[0].hasSuffix(#"ORDER BY measure_name, CASE WHEN "instance" IS NULL THEN 0 ELSE 1 END, "instance", time"#))
    }

    /// 128 dimensions of 30-byte names: the series order alone is longer than Timestream's 262 144-character
    /// query string, so the read asks without it and frames the series once they are all in.
    @Test func aTableTooWideToOrderIsReadUnorderedAndFramedWhole() {
        let names = (0..<128).map { "l" + String(repeating: "0", count: 26) + String(1000 + $0) }
        let columns = ScriptedTimestream.columns(dimensions: names)
        // series host-1001 arrives before host-1000: the answer is sorted all the same
        let pages = [1, 0].map { s in
            QueryPage(columns: columns, rows: (0..<3).map { i in
                [.scalar("host-\(1000 + s)")] + Array(repeating: Datum.null, count: 127)
                    + [.scalar("up"), .scalar("1970-01-01 00:00:0\(i).000000000"), .scalar("\(s).5")]
            })
        }
        let timestream = ScriptedTimestream(tableColumns: columns) { _ in .success(pages) }
        let sink = RecordingSink()
        let summary = Self.service(timestream).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders, into: sink)
        #expect(timestream.selects.count == 1)
        #expect(!timestream.selects[0].contains("ORDER BY") && timestream.selects[0].utf8.count < 2_000)
        #expect(sink.head?.statusCode == 200 && sink.abortedWith == nil && !summary.aborted)
        #expect(sink.head?.headers.contains { $0.name == "Content-Type" && $0.value.hasPrefix("application/x-streamed-protobuf") } == true)
        let expected = (0..<2).map { s in
            TimeSeries(
                labels: [Label(name: "__name__", value: "up"), Label(name: names[0], value: "host-\(1000 + s)")],
                samples: (0..<3).map { Sample(value: Double(s) + 0.5, timestamp: Int64($0) * 1000) })
        }
        // one body holding every frame, in series order
        #expect(Array(sink.frames.joined()) == Array(StreamedChunks.frames(results: [expected]).joined()))
        // and the ordered statement would indeed not fit
        let ordered = "SELECT * FROM \"db\".\"tbl\" WHERE x " + ReadSQL.seriesOrder(dimensions: names)
        #expect(ordered.utf8.count > ReadSQL.maxStatementBytes)
        // held whole, such a read is capped by max_read_samples; the 413 does not suggest what was asked for
        let capped = RecordingSink()
        _ = Self.service(ScriptedTimestream(tableColumns: columns) { _ in .success(pages) }, maxReadSamples: 5).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders, into: capped)
        #expect(capped.head?.statusCode == 413)
        let reason = String(decoding: capped.frames.joined(), as: UTF8.self)
        #expect(reason.contains("max_read_samples") && !reason.contains("ask for STREAMED_XOR_CHUNKS"), "\(reason)")
    }

    @Test func aFailureAfterTheFirstFrameAbortsTheAnswer() {
        let timestream = ScriptedTimestream(tableColumns: Self.columns) { _ in .success(Self.pages(10)) }
        timestream.failAtPage = (5, Self.throttled)
        let sink = RecordingSink()
        let summary = Self.service(timestream).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders, into: sink)
        #expect(sink.head?.statusCode == 200)
        #expect(sink.frames == StreamedChunks.frames(results: [Self.series(4)]))
        #expect(sink.abortedWith?.statusCode == 503)
        #expect(summary.aborted && summary.status == 503 && summary.reason?.contains("aborted") == true)
        // A front door that buffers answers with the error instead.
        timestream.failAtPage = (5, Self.throttled)
        let buffered = Self.service(timestream).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders)
        #expect(buffered.response.statusCode == 503 && !buffered.summary.aborted)
    }

    @Test func aFailureBeforeTheFirstFrameIsTheUsualAnswer() {
        let timestream = ScriptedTimestream(tableColumns: Self.columns) { _ in .success(Self.pages(10)) }
        timestream.failAtPage = (1, Self.throttled)  // series 0 is not complete before page 1
        let sink = RecordingSink()
        let summary = Self.service(timestream).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders, into: sink)
        #expect(sink.head?.statusCode == 503 && sink.abortedWith == nil && !summary.aborted)
        #expect(sink.head?.headers.contains { $0.name == "Retry-After" } == true)
    }

    @Test func rowsOutOfOrderAreAnErrorNeverAMixedAnswer() {
        let timestream = ScriptedTimestream(tableColumns: Self.columns) { _ in .success(Self.pages(3).reversed()) }
        let sink = RecordingSink()
        _ = Self.service(timestream).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders, into: sink)
        #expect(sink.head?.statusCode == 502 && sink.frames.count == 1)  // the reason only: no frame went out
        #expect(sink.head.map { String(decoding: $0.body.bytes, as: UTF8.self) }?.contains("out of the requested order") == true)
    }

    @Test func aColumnTheDescriptionMissedIsDescribedAgainAndTheQueryRerun() {
        let full = ScriptedTimestream.columns(dimensions: ["instance", "zone"])
        let timestream = ScriptedTimestream(tableColumns: Self.columns)
        let pages = (0..<2).map { s in
            QueryPage(columns: full, rows: (0..<3).map { i in
                [.scalar("host-\(1000 + s)"), .null, .scalar("up"), .scalar("1970-01-01 00:00:0\(i).000000000"), .scalar("\(s).5")]
            })
        }
        timestream.answer = { [unowned timestream] _ in
            timestream.tableColumns = full  // the table gained `zone` after it was described
            return .success(pages)
        }
        let sink = RecordingSink()
        _ = Self.service(timestream).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders, into: sink)
        #expect(timestream.describes == 2 && timestream.selects.count == 2)
        #expect(timestream.selects[1].contains(#""zone""#) && !timestream.selects[0].contains(#""zone""#))
        #expect(sink.head?.statusCode == 200 && sink.frames == StreamedChunks.frames(results: [Self.series(2)]))
    }

    @Test func answersHeldWholeAreCappedWith413() {
        let timestream = ScriptedTimestream(tableColumns: Self.columns) { _ in .success(Self.pages(10)) }
        let samples = Self.service(timestream, maxReadSamples: 20).respond(
            to: Self.request([.samples]), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders)
        #expect(samples.response.statusCode == 413 && samples.response.bodyText.contains("max_read_samples"))
        #expect(samples.response.bodyText.contains("STREAMED_XOR_CHUNKS"))
        // Buffered, a streamed answer is held whole too; streamed into a sink it is not capped.
        let buffered = Self.service(timestream, maxReadSamples: 20).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders)
        #expect(buffered.response.statusCode == 413)
        let sink = RecordingSink()
        _ = Self.service(timestream, maxReadSamples: 20).respond(
            to: Self.request(), deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders, into: sink)
        #expect(sink.head?.statusCode == 200 && sink.frames.count == 10 && sink.abortedWith == nil)
    }
}
