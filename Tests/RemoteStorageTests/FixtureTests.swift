// Request bodies captured from a real Prometheus 2.42 (see Fixtures/README.md), decoded by RemoteStorage:
// the content is asserted directly and compared with the Python protobuf oracle's reading of the same bytes.
import Foundation
@testable import RemoteStorage
import TestSupport
import Testing

@Suite("Prometheus 2.42 fixtures")
struct FixtureTests {
    static func fixture(_ name: String) throws -> (path: String, body: [UInt8]) {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "snappy", subdirectory: "Fixtures"))
        return (url.path, [UInt8](try Data(contentsOf: url)))
    }

    static func oracleDump(_ command: String, _ path: String) throws -> String {
        let out = try Oracle.run("prompb_oracle.py", [command, path])
        return String(decoding: out.dropLast(), as: UTF8.self)  // without the trailing newline
    }

    @Test("remote_write bodies: every series named, labels sorted, one sample each, same as Python", arguments: [
        ("prometheus-2.42-write", 794), ("prometheus-2.42-write-large", 1254),
    ])
    func write(name: String, seriesCount: Int) throws {
        let (path, body) = try Self.fixture(name)
        let request = try WriteRequest(protobuf: Snappy.decompress(body))
        #expect(request.timeseries.count == seriesCount)
        #expect(request.metadataCount == 0)
        for series in request.timeseries {
            #expect(series.labels.map(\.name) == series.labels.map(\.name).sorted())
            #expect(series.labels.first?.name == "__name__")
            #expect(series.labels.contains(Label(name: "job", value: "self")))
            #expect(series.labels.contains(Label(name: "instance", value: "127.0.0.1:9391")))
            #expect(series.samples.count == 1)
            // Capture time 2026-11-24, in milliseconds.
            #expect(series.samples.allSatisfy { (1_795_500_000_000...1_795_600_000_000).contains($0.timestamp) })
            #expect(series.exemplarCount == 0 && series.histograms.count == 0)
        }
        let up = request.timeseries.first { $0.labels.first == Label(name: "__name__", value: "up") }
        #expect(up?.samples.first?.value == 1)
        #expect(Dump.write(request) == (try Self.oracleDump("dump-write", path)))
    }

    @Test("metadata-only remote_write: no series, 204 metadata entries counted")
    func metadataOnly() throws {
        let (path, body) = try Self.fixture("prometheus-2.42-write-metadata-only")
        let request = try WriteRequest(protobuf: Snappy.decompress(body))
        #expect(request.timeseries.isEmpty)
        #expect(request.metadataCount == 204)
        #expect(Dump.write(request) == (try Self.oracleDump("dump-write", path)))
    }

    @Test("remote_read of a range query: one EQ matcher, step hint, no response types (= SAMPLES)")
    func readRange() throws {
        let (path, body) = try Self.fixture("prometheus-2.42-read-range-up")
        let request = try ReadRequest(protobuf: Snappy.decompress(body))
        let query = try #require(request.queries.first)
        #expect(request.queries.count == 1)
        #expect(request.acceptedResponseTypes.isEmpty)
        #expect(query.matchers == [LabelMatcher(type: .equal, name: "__name__", value: "up")])
        // 1 h range plus the 5 min lookback before its start.
        #expect(query.endTimestampMs - query.startTimestampMs == 3_900_000)
        #expect(query.hints == ReadHints(stepMs: 60_000, startMs: query.startTimestampMs, endMs: query.endTimestampMs))
        #expect(Dump.read(request) == (try Self.oracleDump("dump-read", path)))
    }

    @Test("remote_read of rate() with regex matchers: all four matcher types and the function hint")
    func readRate() throws {
        let (path, body) = try Self.fixture("prometheus-2.42-read-rate-regex")
        let request = try ReadRequest(protobuf: Snappy.decompress(body))
        let query = try #require(request.queries.first)
        #expect(query.matchers == [
            LabelMatcher(type: .regex, name: "handler", value: "/met.*"),
            LabelMatcher(type: .notEqual, name: "code", value: "500"),
            LabelMatcher(type: .notRegex, name: "job", value: "x|y"),
            LabelMatcher(type: .equal, name: "__name__", value: "prometheus_http_requests_total"),
        ])
        #expect(query.hints?.function == "rate")
        #expect(query.hints?.rangeMs == 60_000)
        #expect(query.hints?.stepMs == 0)
        #expect(Dump.read(request) == (try Self.oracleDump("dump-read", path)))
    }

    @Test("re-encoding a real write request and compressing it again is lossless")
    func reencode() throws {
        let (_, body) = try Self.fixture("prometheus-2.42-write")
        let raw = try Snappy.decompress(body)
        let request = try WriteRequest(protobuf: raw)
        // Prometheus omits nothing Swift keeps, so the bytes match exactly.
        #expect(request.serialized() == raw)
        #expect(try Snappy.decompress(Snappy.compress(raw)) == raw)
    }
}
