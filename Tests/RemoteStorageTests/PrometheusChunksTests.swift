// Differential test against the real thing: Debian's Prometheus 2.42 stores random series (remote write) and
// returns them as STREAMED_XOR_CHUNKS (remote read); every chunk it wrote must be byte-for-byte what
// XORChunkEncoder writes for the same samples (Tests/oracles/prometheus_chunks.py), up to the one zero byte
// 2.42's bit stream appends after a chunk that ends exactly on a byte boundary.
import Foundation
@testable import RemoteStorage
import TestSupport
import Testing

@Suite("XOR chunks vs a real Prometheus 2.42")
struct PrometheusChunksTests {
    @Test("Every chunk Prometheus 2.42 encodes is reproduced byte-for-byte")
    func chunksMatchPrometheus() throws {
        var rng = SplitMix64(seed: 31)
        let t0: Int64 = 1_700_000_000_000
        var written: [String: [Sample]] = [:]
        var spec: [[String: Any]] = []
        for index in 0..<80 {
            let name = "s\(index)"
            var t = t0 + Int64.random(in: 0..<60_000, using: &rng)
            var counter = Double(Int.random(in: 0...1_000_000, using: &rng))
            var samples: [Sample] = []
            // Each series keeps one timing regime; all stay within the hour Prometheus' head accepts.
            let regime = index % 4
            while t < t0 + 55 * 60_000 {
                let value = RandomMessages.exporterValue(using: &rng, counter: &counter, previous: samples.last?.value)
                samples.append(Sample(value: value, timestamp: t))
                switch regime {
                case 0: t += 15_000 + Int64.random(in: -300...300, using: &rng)
                case 1: t += Int64.random(in: 1...4_000, using: &rng)
                case 2: t += [1, 15_000, 600_001, Int64.random(in: 1...1_000_000, using: &rng)].randomElement(using: &rng)!
                default: t += Int64.random(in: 1...20, using: &rng) * 1_000
                }
            }
            written[name] = samples
            spec.append([
                "labels": [["__name__", "chk"], ["s", name]],
                "samples": samples.map { [String($0.value.bitPattern, radix: 16).leftPadded(16), $0.timestamp] as [Any] },
            ])
        }
        let output = try Oracle.run("prometheus_chunks.py", input: [UInt8](JSONSerialization.data(withJSONObject: ["series": spec])))
        let chunks = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [[String: Any]])
        var returned: [String: [Sample]] = [:]
        var compared = 0, multiSample = 0, trailingByte = 0
        for chunk in chunks {
            let name = (chunk["labels"] as! [[String]]).first { $0[0] == "s" }![1]
            let samples = (chunk["samples"] as! [[Any]]).map {
                Sample(value: Double(bitPattern: UInt64($0[0] as! String, radix: 16)!), timestamp: ($0[1] as! NSNumber).int64Value)
            }
            var encoder = XORChunkEncoder()
            for sample in samples { encoder.append(timestamp: sample.timestamp, value: sample.value) }
            // Prometheus 2.42's bstream.writeByte leaves one zero byte after a chunk that ends on a byte boundary
            // (later versions do not: their chunks in Fixtures/prometheus-xor-chunks.txt match exactly).
            let extra = (chunk["extra_bytes"] as! NSNumber).intValue
            #expect(extra == 0 || (extra == 1 && (chunk["padding_bits"] as! NSNumber).intValue == 0))
            let expected = encoder.bytes + [UInt8](repeating: 0, count: extra)
            #expect(expected.hex == chunk["data"] as! String, "chunk of \(name) at \(samples.first?.timestamp ?? 0) (\(samples.count) samples)")
            if extra > 0 { trailingByte += 1 }
            #expect(chunk["type"] as? Int == 1)
            #expect(encoder.minTime == (chunk["min"] as! NSNumber).int64Value && encoder.maxTime == (chunk["max"] as! NSNumber).int64Value)
            returned[name, default: []] += samples
            compared += 1
            if samples.count > 1 { multiSample += 1 }
        }
        // Prometheus kept every sample bit-exactly, so the chunks above covered the whole input.
        #expect(returned.count == written.count)
        for (name, samples) in written { #expect(returned[name] == samples, "series \(name)") }
        #expect(compared > 150 && multiSample > 100, "only \(compared) chunks compared")
        print("compared \(compared) Prometheus chunks (\(trailingByte) with 2.42's trailing zero byte), \(written.values.reduce(0) { $0 + $1.count }) samples")
    }
}
