import Foundation
import TestSupport
import Testing

/// STREAMED_XOR_CHUNKS through the built `bootstrap` against the SQL stand-in: the same query answered as SAMPLES
/// (decoded by read_response.py) and as chunks (decoded by xor_chunks.py, written from Prometheus' format
/// documents) gives identical samples; the client's order of `accepted_response_types` decides.
extension ReadPathTests {
    /// One text line per sample, bit-exact, for comparing whole answers.
    func lines(_ results: [[Series]]) -> [String] {
        results.enumerated().flatMap { q, result in
            result.flatMap { series in
                let name = series.labels.map { "\($0[0])=\($0[1])" }.joined(separator: ",")
                return series.samples.map { "\(q) {\(name)} \(String($0.bits, radix: 16)) @\($0.time)" }
            }
        }
    }

    @Test func chunkedAndSamplesAnswersDecodeToIdenticalSamples() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        var rng = SplitMix64.forTest()
        let awkward: [Double] = [-0.0, 0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 0.1, 1 / 3, -1e-300, 42]
        var written: [String: [(Double, Int64)]] = [:]
        var series: [[String: Any]] = []
        for s in 0..<6 {
            var t = Self.t0 + Int64(s) * 7
            var counter = Double(Int.random(in: 0...100_000, using: &rng))
            var samples: [(Double, Int64)] = []
            for i in 0..<(250 + s * 40) {
                let value: Double
                switch s {
                case 0, 1:  // counters
                    counter += Double(Int.random(in: 0...30, using: &rng))
                    value = counter
                case 2: value = Double(Int.random(in: -5_000...5_000, using: &rng)) / 100  // gauge, two decimals
                case 3: value = awkward[i % awkward.count]
                case 4: value = i % 10 < 7 ? 1 : 0  // mostly repeats
                default: value = Double.random(in: 0...1e9, using: &rng)
                }
                samples.append((value, t))
                // Irregular scrape times: jitter, sometimes a gap of hours.
                t += i % 97 == 96 ? 3 * 3_600_000 + 1 : 15_000 + Int64.random(in: -300...300, using: &rng)
            }
            written["chk\(s)"] = samples
            series.append(EventBuilder.series([("__name__", "chk"), ("s", "chk\(s)")], samples))
        }
        try write(function, series)
        let end = Self.t0 + 24 * 3_600_000
        let queries: [(Int64, Int64, [[String]])] = [
            (Self.t0, end, [["EQ", "__name__", "chk"]]),
            (Self.t0 + 600_000, Self.t0 + 2_400_000, [["EQ", "__name__", "chk"], ["RE", "s", "chk[13]"]]),
            (Self.t0, end, [["EQ", "__name__", "never_written"]]),
        ]
        let samplesDefault = try read(function, queries)
        let samplesFirst = try read(function, queries, accepted: ["SAMPLES", "STREAMED_XOR_CHUNKS"])
        let chunks = try read(function, queries, accepted: ["STREAMED_XOR_CHUNKS", "SAMPLES"], expect: "STREAMED_XOR_CHUNKS")
        let chunksAfterUnknown = try read(function, queries, accepted: [7, "STREAMED_XOR_CHUNKS"], expect: "STREAMED_XOR_CHUNKS")

        #expect(samplesDefault.map(\.count) == [6, 2, 0])
        #expect(lines(chunks) == lines(samplesDefault))
        #expect(lines(samplesFirst) == lines(samplesDefault))
        #expect(lines(chunksAfterUnknown) == lines(chunks))
        // And both are what was written (query 0 holds every sample).
        for one in chunks[0] {
            let name = one.labels.first { $0[0] == "s" }![1]
            let expected = written[name]!
            #expect(one.samples.map(\.bits) == expected.map(\.0.bitPattern), "\(name)")
            #expect(one.samples.map(\.time) == expected.map(\.1), "\(name)")
        }
        #expect(chunks[1].map { $0.labels[1][1] } == ["chk1", "chk3"])
        // The log line of each read names the negotiated type.
        let log = function.log
        #expect(log.components(separatedBy: "response_type=samples").count - 1 == 2, "\(log)")
        #expect(log.components(separatedBy: "response_type=streamed_xor_chunks").count - 1 == 2, "\(log)")
    }

    @Test func onlyUnknownResponseTypesAre400() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let answer = try function.invoke(event: try EventBuilder.event([
            "path": "/dev/read", "basic_auth": Self.auth,
            "read": ["queries": [["start": 0, "end": 1, "matchers": [["EQ", "__name__", "up"]]]], "accepted_response_types": [7, 9]],
        ]))
        #expect(answer.statusCode == 400)
        #expect(answer.httpBodyText.contains("STREAMED_XOR_CHUNKS"))
    }
}
