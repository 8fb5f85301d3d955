// Size of the two remote-read answer types on a realistic series mix, and how many samples each fits under
// Lambda's 6 MB answer. Figures go to BENCHMARKS.md ("Remote read: chunks vs samples"); the run prints them.
@testable import TimestreamTranslation
import TestSupport
@testable import LambdaAdapter
import Foundation
@testable import RemoteStorage
import Testing

@Suite struct ReadAnswerSizeTests {
    /// 100 series × 720 samples (3 h at 15 s): counters, float counters, gauges, histogram buckets, `up`.
    @Test func chunksAreSmallerThanSamplesOnARealisticMix() {
        var rng = SplitMix64(seed: 9)
        let series = RealisticMix.series(count: 100, samples: 720, rng: &rng)
        let samples = ReadAnswer.samples.encode([series]).parts.byteCount
        let chunks = ReadAnswer.streamedXORChunks.encode([series]).parts.byteCount
        let total = series.reduce(0) { $0 + $1.samples.count }
        print("""
            BENCH 100 series × 720 samples (\(total) samples): SAMPLES \(samples) B snappy (\(LambdaResponseLimit.base64Size(samples)) base64), \
            STREAMED_XOR_CHUNKS \(chunks) B (\(LambdaResponseLimit.base64Size(chunks)) base64); \
            \(String(Double(samples * 1000 / chunks) / 1000))× smaller; \
            \(String(Double(samples * 100 / total) / 100)) vs \(String(Double(chunks * 100 / total) / 100)) B/sample
            """)
        #expect(chunks * 2 < samples)
    }

    /// The largest number of such series (720 samples each) whose answer still fits, found exactly by growing the
    /// mix one series at a time from an estimate; ~18 s in a debug build, so run on request (PTL_BENCHMARK=1).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PTL_BENCHMARK"] == "1"))
    func samplesThatFitUnderSixMegabytes() {
        for answer in [ReadAnswer.samples, .streamedXORChunks] {
            var rng = SplitMix64(seed: 10)
            let pool = RealisticMix.series(count: 6000, samples: 720, rng: &rng)
            func fits(_ n: Int) -> Bool {
                LambdaResponseLimit.fits(bodyBytes: answer.encode([Array(pool.prefix(n))]).parts.byteCount)
            }
            let perSeries = answer.encode([Array(pool.prefix(100))]).parts.byteCount / 100
            var n = min(pool.count - 1, LambdaResponseLimit.maxResponseBytes * 3 / 4 / perSeries)
            while n + 1 < pool.count && fits(n + 1) { n += 1 }
            while n > 0 && !fits(n) { n -= 1 }
            #expect(n + 1 < pool.count, "the pool is too small to reach the limit")
            #expect(fits(n) && !fits(n + 1))
            print("BENCH \(answer): at most \(n) series × 720 = \(n * 720) samples fit under 6 MB")
        }
    }
}

/// A reproducible series mix like a node/app exporter scrape at 15 s: 40 % integer counters (request counts,
/// occasional reset), 10 % float counters (CPU seconds), 30 % gauges (memory bytes in pages, small integers,
/// two-decimal readings), 15 % histogram bucket counters (`le`), 5 % `up`. Scrape times jitter by a few ms.
enum RealisticMix {
    static func series(count: Int, samples: Int, rng: inout SplitMix64) -> [TimeSeries] {
        let start: Int64 = 1_700_000_000_000
        return (0..<count).map { i in
            let kind = i % 20
            var labels = [
                Label(name: "__name__", value: ["http_requests_total", "process_cpu_seconds_total", "node_memory_Active_bytes", "go_goroutines", "node_hwmon_temp_celsius", "http_request_duration_seconds_bucket", "up"][kindIndex(kind)]),
                Label(name: "instance", value: "10.0.\(i / 250).\(i % 250):9100"),
                Label(name: "job", value: "node"),
            ]
            if kind < 8 { labels.append(Label(name: "code", value: ["200", "404", "500"][i % 3])) }
            if kindIndex(kind) == 5 { labels.append(Label(name: "le", value: ["0.005", "0.05", "0.5", "5", "+Inf"][i % 5])) }
            labels.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            var value = Double(rng.next() % 1_000_000)
            var t = start + Int64(rng.next() % 15_000)
            var out: [Sample] = []
            out.reserveCapacity(samples)
            for _ in 0..<samples {
                switch kindIndex(kind) {
                case 0: value = rng.next() % 2000 == 0 ? 0 : value + Double(rng.next() % 400)
                case 1: value = ((value * 100).rounded() + Double(rng.next() % 60)) / 100
                case 2: value = Double((200_000 + Int(rng.next() % 20_000)) * 4096)
                case 3: value = Double(40 + rng.next() % 30)
                case 4: value = Double(4000 + Int(rng.next() % 1500)) / 100
                case 5: value += Double(rng.next() % 4 == 0 ? rng.next() % 20 : 0)
                default: value = 1
                }
                out.append(Sample(value: value, timestamp: t))
                t += 15_000 + (rng.next() % 5 == 0 ? Int64(rng.next() % 7) - 3 : 0)
            }
            return TimeSeries(labels: labels, samples: out)
        }
    }

    /// kinds 0–7 integer counters, 8–9 float counters, 10–11 memory, 12–13 goroutines, 14–15 temperatures,
    /// 16–18 histogram buckets, 19 up.
    static func kindIndex(_ kind: Int) -> Int {
        switch kind {
        case 0..<8: 0
        case 8..<10: 1
        case 10..<12: 2
        case 12..<14: 3
        case 14..<16: 4
        case 16..<19: 5
        default: 6
        }
    }
}

extension [[UInt8]] {
    /// Bytes of all parts together.
    var byteCount: Int { reduce(0) { $0 + $1.count } }
}
