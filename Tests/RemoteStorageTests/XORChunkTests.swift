// XOR chunks and the STREAMED_XOR_CHUNKS framing, checked against Prometheus' own encoder output (fixture) and
// against an independent Python decoder written from tsdb/docs/format/chunks.md (Tests/oracles/xor_chunks.py).
import Foundation
@testable import RemoteStorage
import TestSupport
import Testing

@Suite("XOR chunks and streamed frames")
struct XORChunkTests {
    @Test("CRC-32C matches the published check values")
    func crc32cVectors() throws {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // RFC 3720 (iSCSI) appendix B.4.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        var rng = SplitMix64(seed: 7)
        let blob = (0..<100_003).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let python = try Oracle.run("xor_chunks.py", ["--crc32c"], input: blob)
        #expect(String(decoding: python, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            == String(CRC32C.checksum(blob), radix: 16).leftPadded(8))
    }

    /// One XOR chunk of `samples` (at most 120).
    static func chunk(_ samples: [Sample]) -> XORChunkEncoder {
        var encoder = XORChunkEncoder()
        for sample in samples { encoder.append(timestamp: sample.timestamp, value: sample.value) }
        return encoder
    }

    @Test("Swift writes byte-for-byte the chunks Prometheus writes")
    func prometheusChunks() throws {
        let url = try #require(Bundle.module.url(forResource: "prometheus-xor-chunks", withExtension: "txt", subdirectory: "Fixtures"))
        let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(rows.count == 4)
        for row in rows {
            let f = row.split(separator: " ")
            let (t0, dt, v0, dv, n) = (Int64(f[0])!, Int64(f[1])!, Double(f[2])!, Double(f[3])!, Int(f[4])!)
            let samples = (0..<n).map { Sample(value: v0 + dv * Double($0), timestamp: t0 + dt * Int64($0)) }
            let chunk = Self.chunk(samples)
            #expect(chunk.bytes.hex == String(f[5]), "chunk of \(n) samples from \(t0)")
            #expect(chunk.minTime == t0)
            #expect(chunk.maxTime == t0 + dt * Int64(n - 1))
        }
    }

    @Test("1200 random series as streamed chunks decode in Python to the identical samples")
    func randomSeriesDecodeIdentically() throws {
        var rng = SplitMix64(seed: 2026)
        // Three queries; the last one with a tiny frame bound so series are split over many frames.
        let queries = (0..<3).map { _ in (0..<400).map { index in Self.randomSeries(&rng, index: index) } }
        var body = Self.body(results: Array(queries[0..<2]))
        let small = Self.body(results: [[], [], queries[2]], maxBytesInFrame: 300)
        body += small
        let decoded = try Self.decode(body, queries: 3)
        #expect(decoded.count == 3)
        for (q, series) in queries.enumerated() {
            let expected = series.filter { !$0.samples.isEmpty }
            #expect(decoded[q].count == expected.count, "query \(q)")
            for (one, got) in zip(expected, decoded[q]) {
                #expect(got.labels == one.labels.map { [$0.name, $0.value] })
                #expect(got.samples.count == one.samples.count)
                #expect(got.samples.elementsEqual(one.samples) { $0.bits == $1.value.bitPattern && $0.time == $1.timestamp })
            }
        }
        // Frames are well-formed: the small-frame part holds more frames than series.
        #expect(Self.frameCount(small) > queries[2].count)
    }

    @Test("A corrupted frame fails the independent decoder's checksum")
    func corruptedFrameIsRejected() throws {
        let series = TimeSeries(labels: [Label(name: "__name__", value: "up")], samples: (0..<300).map { Sample(value: Double($0), timestamp: Int64($0) * 15_000) })
        var body = Self.body(results: [[series]])
        #expect(try Self.decode(body, queries: 1)[0].first?.samples.count == 300)
        body[body.count / 2] ^= 0x10
        #expect(throws: OracleError.self) { try Oracle.run("xor_chunks.py", input: body) }
    }

    @Test("Frames carry query_index and are split at the frame bound like Prometheus")
    func framing() throws {
        let samples = (0..<1000).map { Sample(value: Double($0 % 7), timestamp: 1_700_000_000_000 + Int64($0) * 15_000) }
        let series = TimeSeries(labels: [Label(name: "__name__", value: "x")], samples: samples)
        // 9 chunks (8 × 120 + 40); a bound below two chunks' size gives frames of at most two chunks.
        let chunkSize = Self.chunk(Array(samples.prefix(120))).bytes.count
        let body = Self.body(results: [[], [series]], maxBytesInFrame: chunkSize + 40)
        let frames = Self.frames(body)
        #expect(frames.count == 5)
        #expect(StreamedChunks.frames(results: [[], [series]], maxBytesInFrame: chunkSize + 40).count == 5)
        let decoded = try Self.decode(body, queries: 2)
        #expect(decoded[0].isEmpty)
        #expect(decoded[1].count == 1)
        #expect(decoded[1].first?.samples.map(\.time) == samples.map(\.timestamp))
        // Without a small bound: one frame for the series.
        #expect(Self.frames(Self.body(results: [[series]])).count == 1)
    }

    /// Prometheus 3's streaming client makes one series of each frame: a series of far more than Prometheus'
    /// 1 MB frame bound (≈ 1.3 MB of chunks here) goes out as one frame, its samples whole.
    @Test func aLongSeriesIsOneFrame() throws {
        let samples = (0..<400_000).map { Sample(value: Double($0 % 1009) * 0.37, timestamp: 1_700_000_000_000 + Int64($0) * 15_000) }
        let body = Self.body(results: [[TimeSeries(labels: [Label(name: "__name__", value: "x")], samples: samples)]])
        #expect(body.count > 1_048_576, "\(body.count) bytes")
        #expect(Self.frames(body).count == 1)
        let decoded = try Self.decode(body, queries: 1)
        #expect(decoded[0].count == 1 && decoded[0][0].samples.count == samples.count)
    }

    // MARK: helpers

    /// The whole answer: its frames back to back, as a client reads them.
    static func body(results: [[TimeSeries]], maxBytesInFrame: Int = StreamedChunks.defaultMaxBytesInFrame) -> [UInt8] {
        Array(StreamedChunks.frames(results: results, maxBytesInFrame: maxBytesInFrame).joined())
    }

    struct Decoded { var labels: [[String]]; var samples: [(bits: UInt64, time: Int64)] }

    static func decode(_ body: [UInt8], queries: Int) throws -> [[Decoded]] {
        let output = try Oracle.run("xor_chunks.py", ["--queries", String(queries)], input: body)
        let json = try JSONSerialization.jsonObject(with: Data(output)) as! [[[String: Any]]]
        return json.map { result in
            result.map { series in
                Decoded(
                    labels: series["labels"] as! [[String]],
                    samples: (series["samples"] as! [[Any]]).map { (UInt64($0[0] as! String, radix: 16)!, ($0[1] as! NSNumber).int64Value) })
            }
        }
    }

    /// Frame payload ranges, read by the Swift side only to count frames (the Python decoder checks contents).
    static func frames(_ body: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var pos = 0
        while pos < body.count {
            var size = 0, shift = 0
            while true {
                let b = body[pos]
                pos += 1
                size |= Int(b & 0x7F) << shift
                shift += 7
                if b < 0x80 { break }
            }
            ranges.append(pos + 4..<pos + 4 + size)
            pos += 4 + size
        }
        return ranges
    }

    static func frameCount(_ body: [UInt8]) -> Int { frames(body).count }

    /// Labels sorted by name; 0…600 samples with sorted, irregular timestamps (repeats, jitter, huge gaps that
    /// need the 64-bit delta-of-delta) and values mixing counters, gauges, repeats and special bit patterns.
    static func randomSeries<R: RandomNumberGenerator>(_ rng: inout R, index: Int) -> TimeSeries {
        var labels = [Label(name: "__name__", value: "m\(index % 17)"), Label(name: "i", value: String(index))]
        if Bool.random(using: &rng) { labels.append(Label(name: "job", value: "é🚀\(index)")) }
        labels.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let count = [0, 1, 2, 3, 119, 120, 121, 240, 241].randomElement(using: &rng)!
            + (Bool.random(using: &rng) ? Int.random(in: 0...360, using: &rng) : 0)
        var t: Int64 = [Int64.min, -1_000, 0, 1_700_000_000_000, Int64.max - 10_000_000].randomElement(using: &rng)!
        var counter = Double(Int.random(in: 0...1_000_000, using: &rng))
        var samples: [Sample] = []
        for _ in 0..<count {
            let value = RandomMessages.exporterValue(using: &rng, counter: &counter, previous: samples.last?.value)
            samples.append(Sample(value: value, timestamp: t))
            let step: Int64
            switch Int.random(in: 0..<20, using: &rng) {
            case 0: step = 0
            case 1: step = Int64.random(in: 1...(1 << 40), using: &rng)
            case 2: step = Int64.random(in: 1...100_000_000, using: &rng)
            default: step = 15_000 + Int64.random(in: -200...200, using: &rng)
            }
            // Stay sorted: stop advancing instead of overflowing.
            t = t > Int64.max - step ? t : t + step
        }
        return TimeSeries(labels: labels, samples: samples)
    }
}

extension [UInt8] {
    var hex: String { map { String($0, radix: 16).leftPadded(2) }.joined() }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
