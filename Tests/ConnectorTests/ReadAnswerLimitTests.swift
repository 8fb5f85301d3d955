import TestSupport
@testable import TimestreamCodec
@testable import TimestreamTranslation
@testable import AWS
@testable import Connector
@testable import LambdaAdapter
@testable import RemoteStorage
import Testing

/// The 6 MB guard applies to either answer type (how many more samples fit as chunks: BENCHMARKS.md, checked by
/// ReadAnswerSizeTests).
@Suite struct ReadAnswerLimitTests {
    /// `series` × `samples` rows at 15 s; `value(series, index)` gives each value, `label(series)` the instance.
    static func pages(series: Int, samples: Int, label: (Int) -> String = { "host-\($0)" }, value: (Int, Int) -> Double) -> [QueryPage] {
        let columns = [
            ColumnInfo(name: "instance", scalarType: "VARCHAR"), ColumnInfo(name: "measure_name", scalarType: "VARCHAR"),
            ColumnInfo(name: "time", scalarType: "TIMESTAMP"), ColumnInfo(name: "measure_value::double", scalarType: "DOUBLE"),
        ]
        // 2023-11-14 22:00:00 UTC + i × 15 s, in Timestream's TIMESTAMP text.
        let times: [Datum] = (0..<samples).map { i in
            let seconds = i * 15
            return .scalar("2023-11-14 \(22 + seconds / 3600):\(two(seconds / 60 % 60)):\(two(seconds % 60)).000000000")
        }
        return (0..<series).map { s in
            let instance = Datum.scalar(label(s))
            return QueryPage(columns: columns, rows: (0..<samples).map { i in [instance, .scalar("m"), times[i], .scalar(value(s, i).description)] })
        }
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func status(_ pages: [QueryPage], accepting types: [ResponseType]) throws -> (Int, String) {
        let service = ConnectorService(
            config: ConnectorConfig(database: "d", table: "t"), timestream: ScriptedTimestream(pages: pages),
            now: { 0 })
        let request = ReadRequest(
            queries: [Query(startTimestampMs: 0, endTimestampMs: .max, matchers: [LabelMatcher(type: .equal, name: "__name__", value: "m")])],
            acceptedResponseTypes: types)
        let served = service.respond(
            to: ServiceRequest(
                method: "POST", path: "/read", headers: ScriptedTimestream.basicAuth,
                body: Snappy.compress(request.serialized())),
            deadline: Deadline(epochMilliseconds: .max), credentials: .requestHeaders)
        // What the Lambda front door answers.
        let reply = LambdaResponseLimit.apply(to: served.response, summary: served.summary)
        return (reply.statusCode, String(decoding: reply.body, as: UTF8.self))
    }

    @Test func incompressibleAnswersAre413EitherWay() throws {
        // 100 series whose 64 KB random label values (~6.4 MB, incompressible) exceed 6 MB in both encodings.
        var rng = SplitMix64.forTest()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".utf8)
        func noise(_ s: Int) -> String {
            var bytes = [UInt8](repeating: 0, count: 65_536)
            for i in bytes.indices { bytes[i] = alphabet[Int(rng.next() & 63)] }
            // Numbered so that byte order is series order: a Timestream honours the streamed read's ORDER BY.
            return "\(1000 + s)" + String(decoding: bytes, as: UTF8.self)
        }
        let pages = Self.pages(series: 100, samples: 2, label: noise) { _, i in Double(i) }
        let samples = try Self.status(pages, accepting: [])
        let chunks = try Self.status(pages, accepting: [.streamedXORChunks])
        #expect(samples.0 == 413 && samples.1.contains("exceeds Lambda's 6 MB response limit"))
        #expect(chunks.0 == 413 && chunks.1.contains("exceeds Lambda's 6 MB response limit"))
        // Half of them fit either way.
        let half = Array(pages.prefix(50))
        #expect(try Self.status(half, accepting: []).0 == 200)
        #expect(try Self.status(half, accepting: [.streamedXORChunks]).0 == 200)
    }

    /// A text answer is measured as the Lambda response carries it: a control byte grows to `\u0001`, six bytes.
    /// 1.1 M of them (a 400 quoting what a caller sent, say) are 1.1 MB of body and 6.6 MB of answer.
    @Test func aTextAnswerIsMeasuredEscaped() {
        let text = ServiceResponse.text(400, String(repeating: "\u{01}", count: 1_100_000))
        let reply = LambdaResponseLimit.apply(to: text, summary: InvocationSummary(requestID: "r", route: "read", status: 400))
        #expect(reply.statusCode == 413)
        #expect(reply.encoded(for: .v2).count <= LambdaResponseLimit.maxResponseBytes)
        // the same bytes count once each when plain
        let plain = LambdaResponseLimit.apply(
            to: .text(400, String(repeating: "a", count: 1_100_000)), summary: InvocationSummary(requestID: "r", route: "read", status: 400))
        #expect(plain.statusCode == 400)
        // every answer that passes fits once encoded, in both payload versions
        for body in ["\"\\\n", "plain", String(repeating: "\u{1F}\"", count: 1000)] {
            let reply = LambdaResponseLimit.apply(to: .text(400, body), summary: InvocationSummary(requestID: "r", route: "read", status: 400))
            let encodedBody = reply.encoded(for: .v1).count
            #expect(encodedBody <= LambdaResponseLimit.encodedBodySize(reply) + LambdaResponseLimit.envelopeAllowance)
        }
    }

    /// A regex refused for translation is quoted up to 200 bytes, and so is the reason, however long the pattern:
    /// plain, one combining-mark cluster, or a long POSIX class name quoted by the reason.
    @Test(arguments: [
        String(repeating: "a", count: 100_000) + "(?m)", "a" + String(repeating: "\u{301}", count: 100_000) + "(?m)",
        "[[:" + String(repeating: "a", count: 100_000) + ":]]",
    ])
    func aRefusedRegexIsQuotedShort(pattern: String) {
        do {
            _ = try RegexTranslation.anchoredJavaPattern(pattern, dialect: .prometheus3)
            Issue.record("translated")
        } catch {
            #expect(error.description.utf8.count < 500 && error.description.contains("bytes)"), "\(error.description.prefix(600))")
        }
    }
}
