import Foundation
import TestSupport
import Testing

/// Remote read through the built `bootstrap` against the SQL-executing Timestream stand-in: what PromQL selectors
/// mean is what comes back. Answers are decoded by an independent Python decoder.
@Suite(.serialized) struct ReadPathTests {
    typealias Series = (labels: [[String]], samples: [(bits: UInt64, time: Int64)])
    static let auth = ["AKIDEXAMPLE", "secret"]
    static let t0: Int64 = 1_700_000_000_000

    /// Writes `series` through the function (asserting 204).
    func write(_ function: FunctionHarness, _ series: [[String: Any]]) throws {
        let answer = try function.invoke(event: try EventBuilder.event(["basic_auth": Self.auth, "write": ["timeseries": series]]))
        #expect(answer.statusCode == 204, "\(answer.httpBodyText)")
    }

    /// Reads with one query per entry of `queries` (start, end, matchers as [type, name, value]), listing
    /// `accepted` response types in the request (plus `headers`, e.g. another `User-Agent`); the answer is decoded
    /// by the oracle for the type `expect`.
    func read(
        _ function: FunctionHarness, _ queries: [(Int64, Int64, [[String]])], accepted: [Any] = [],
        expect type: String = "SAMPLES", headers: [String: String] = [:]
    ) throws -> [[Series]] {
        let answer = try function.invoke(event: try EventBuilder.event([
            "version": "2.0", "path": "/dev/read", "basic_auth": Self.auth, "headers": headers,
            "read": ["queries": queries.map { ["start": $0.0, "end": $0.1, "matchers": $0.2] }, "accepted_response_types": accepted],
        ]))
        guard answer.statusCode == 200 else {
            Issue.record("read answered \(answer.statusCode ?? -1): \(answer.httpBodyText)")
            return []
        }
        let decoded: [UInt8]
        if type == "STREAMED_XOR_CHUNKS" {
            #expect(answer.headers["content-type"] == "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse")
            #expect(answer.headers["content-encoding"] == nil)
            decoded = try Oracle.run("xor_chunks.py", ["--queries", String(queries.count)], input: answer.httpBody)
        } else {
            #expect(answer.headers["content-type"] == "application/x-protobuf")
            #expect(answer.headers["content-encoding"] == "snappy")
            decoded = try Oracle.run("read_response.py", input: answer.httpBody)
        }
        let results = try JSONSerialization.jsonObject(with: Data(decoded)) as! [[[String: Any]]]
        return results.map { result in
            result.map { series in
                let labels = series["labels"] as! [[String]]
                let samples = (series["samples"] as! [[Any]]).map { (UInt64($0[0] as! String, radix: 16)!, ($0[1] as! NSNumber).int64Value) }
                return (labels, samples)
            }
        }
    }

    func names(_ result: [Series]) -> [String] {
        result.map { $0.labels.map { "\($0[0])=\($0[1])" }.joined(separator: ",") }
    }

    @Test func matchersHavePromQLSemantics() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        try write(function, [
            EventBuilder.series([("__name__", "up"), ("job", "node"), ("foo", "bar")], [(1, Self.t0)]),
            EventBuilder.series([("__name__", "up"), ("job", "no")], [(2, Self.t0)]),
            EventBuilder.series([("__name__", "up"), ("job", "x' OR '1'='1")], [(3, Self.t0)]),
            EventBuilder.series([("__name__", "down"), ("job", "node")], [(4, Self.t0)]),
        ])
        func select(_ matchers: [[String]]) throws -> [String] {
            names(try read(function, [(Self.t0 - 1000, Self.t0 + 1000, [["EQ", "__name__", "up"]] + matchers)])[0])
        }
        #expect(try select([["RE", "job", "no"]]) == ["__name__=up,job=no"])
        #expect(try select([["EQ", "foo", ""]]) == ["__name__=up,job=no", "__name__=up,job=x' OR '1'='1"])
        #expect(try select([["NEQ", "foo", ""]]) == ["__name__=up,foo=bar,job=node"])
        #expect(try select([["EQ", "job", "x' OR '1'='1"]]) == ["__name__=up,job=x' OR '1'='1"])
        #expect(try select([["EQ", "job", "' OR 1=1 --"]]) == [])
        #expect(try select([["NRE", "job", "no.*"]]) == ["__name__=up,job=x' OR '1'='1"])
        #expect(try select([["RE", "foo", "|bar"]]).count == 3)  // matches "" too: series without foo count
        #expect(try select([["NEQ", "job", "node"]]) == ["__name__=up,job=no", "__name__=up,job=x' OR '1'='1"])
        // A label no series has: absent everywhere.
        #expect(try select([["EQ", "nope", "x"]]) == [])
        #expect(try select([["EQ", "nope", ""]]).count == 3)
        #expect(try select([["RE", "nope", ".*"]]).count == 3)
        #expect(try select([["NRE", "nope", ".+"]]).count == 3)
        // Unknown metric: empty result, not an error.
        #expect(names(try read(function, [(Self.t0 - 1000, Self.t0 + 1000, [["EQ", "__name__", "never_written"]])])[0]) == [])
    }

    @Test func timeRangeIsInclusiveToTheMillisecond() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        try write(function, [EventBuilder.series([("__name__", "edge")], [(1, Self.t0 - 1), (2, Self.t0), (3, Self.t0 + 500), (4, Self.t0 + 999), (5, Self.t0 + 1000), (6, Self.t0 + 1001)])])
        let result = try read(function, [(Self.t0, Self.t0 + 1000, [["EQ", "__name__", "edge"]])])
        #expect(result[0].first?.samples.map(\.time) == [Self.t0, Self.t0 + 500, Self.t0 + 999, Self.t0 + 1000])
    }

    @Test func manyPagesComeBackOnceSortedAndQueriesInOrder() throws {
        let standIn = try SQLStandIn(["--page-rows", "7", "--empty-first-pages", "2"])
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        // 500 samples over 5 series, written in shuffled time order.
        var series: [[String: Any]] = []
        for s in 0..<5 {
            let samples = (0..<100).map { i in (Double(s * 1000 + i) / 7, Self.t0 + Int64((i * 37) % 100) * 1000) }
            series.append(EventBuilder.series([("__name__", "paged"), ("s", String(s))], samples))
        }
        try write(function, series)
        let results = try read(function, [
            (Self.t0, Self.t0 + 100_000, [["EQ", "__name__", "paged"]]),
            (Self.t0, Self.t0 + 100_000, [["EQ", "__name__", "paged"], ["EQ", "s", "3"]]),
        ])
        #expect(results.count == 2)
        #expect(results[0].count == 5)
        #expect(names(results[1]) == ["__name__=paged,s=3"])
        for (s, one) in results[0].enumerated() {
            #expect(one.labels == [["__name__", "paged"], ["s", String(s)]])
            #expect(one.samples.count == 100)
            #expect(one.samples.map(\.time) == (0..<100).map { Self.t0 + Int64($0) * 1000 })
            for sample in one.samples {
                let i = Int((sample.time - Self.t0) / 1000)
                let original = (0..<100).first { ($0 * 37) % 100 == i }!
                #expect(sample.bits == (Double(s * 1000 + original) / 7).bitPattern)
            }
        }
    }

    @Test func arbitraryLabelValuesRoundTripAndMatchOnlyThemselves() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        var values = ["'", "''", "\"", "\\", "\\'", "a'b\"c\\d", "SELECT * FROM x; --", "' OR '1'='1", "%", "_", ".*", "ünï©ødé 🚀", "tab\there", "new\nline", "DROP TABLE tbl", "null", "NULL", " padded "]
        var rng = SplitMix64.forTest()
        let alphabet = Array("ab'\"\\%_*.()[]{}|^$?+ é漢🙂\n\t;-")
        for _ in 0..<22 { values.append(String((0..<Int.random(in: 1...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })) }
        values = Array(Set(values)).sorted()
        let awkwardValues: [Double] = [0.1, 1e-9, .leastNonzeroMagnitude, -0.0, .greatestFiniteMagnitude, 1 / 3]
        try write(function, values.enumerated().map { i, value in
            EventBuilder.series([("__name__", "prop"), ("v", value)], [(awkwardValues[i % awkwardValues.count], Self.t0 + Int64(i))])
        })
        for (i, value) in values.enumerated() {
            let result = try read(function, [(Self.t0 - 1, Self.t0 + 1000, [["EQ", "__name__", "prop"], ["EQ", "v", value]])])[0]
            #expect(result.count == 1, "value \(value.debugDescription) matched \(result.count) series")
            #expect(result.first?.labels == [["__name__", "prop"], ["v", value]])
            #expect(result.first?.samples.map(\.bits) == [awkwardValues[i % awkwardValues.count].bitPattern])
        }
    }

    /// Native histograms encoded by Python protobuf are written, then read back through remote_read as the classic
    /// series Tests/oracles/native_histogram.py computes (independently) for them.
    @Test func nativeHistogramsReadBackAsClassicSeries() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let spec = try JSONSerialization.jsonObject(with: Data(Oracle.run("native_histogram.py", ["write-spec", "42", "6"]))) as! [String: Any]
        let expected = spec["expected"] as! [[String: Any]]
        try write(function, [["labels": [["__name__", "rpc_seconds"], ["job", "api"]], "histograms": spec["histograms"]!]])
        let times = expected.map { ($0["timestamp"] as! NSNumber).int64Value }
        let range = (times.min()!, times.max()!)
        func series(_ name: String) throws -> [Series] {
            try read(function, [(range.0, range.1, [["EQ", "__name__", name], ["EQ", "job", "api"]])])[0]
        }
        func hex(_ text: Any?) -> UInt64 { UInt64(text as! String, radix: 16)! }
        let counts = try series("rpc_seconds_count"), sums = try series("rpc_seconds_sum"), buckets = try series("rpc_seconds_bucket")
        #expect(counts.count == 1 && sums.count == 1)
        #expect(counts.first?.samples.map(\.bits) == expected.map { hex($0["count"]) })
        #expect(sums.first?.samples.map(\.bits) == expected.map { hex($0["sum"]) })
        #expect(counts.first?.samples.map(\.time) == times)
        // Every (le, time) cumulative count the oracle expects comes back, and nothing else.
        var want: Set<String> = []
        for entry in expected {
            for bucket in entry["buckets"] as! [[String]] { want.insert("\(bucket[0])@\(entry["timestamp"]!)=\(bucket[2])") }
        }
        var got: Set<String> = []
        for one in buckets {
            #expect(one.labels.count == 3 && one.labels[0] == ["__name__", "rpc_seconds_bucket"] && one.labels[1] == ["job", "api"])
            let le = one.labels.first { $0[0] == "le" }?[1] ?? "?"
            for sample in one.samples { got.insert("\(le)@\(sample.time)=\(String(format: "%016llx", sample.bits))") }
        }
        #expect(got == want)
        #expect(want.count > 30 && want.contains { $0.hasPrefix("+Inf@") })
        let bucketSamples = expected.reduce(0) { $0 + ($1["buckets"] as! [Any]).count }
        #expect(function.log.contains("histograms_received=6 histograms_converted=6"), "\(function.log)")
        #expect(function.log.contains("samples_received=\(bucketSamples + 12) samples_written=\(bucketSamples + 12) samples_skipped=0"), "\(function.log)")
    }

    @Test func unsupportedRegexAndResponseTypesAre400() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let answer = try function.invoke(event: try EventBuilder.event([
            "path": "/dev/read", "basic_auth": Self.auth,
            "read": ["queries": [["start": 0, "end": 1, "matchers": [["EQ", "__name__", "up"], ["RE", "job", "(?U)a+"]]]]],
        ]))
        #expect(answer.statusCode == 400)
        #expect(answer.httpBodyText.contains("(?U)a+"))
    }
}
