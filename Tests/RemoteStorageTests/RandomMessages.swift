// Random prompb values and snappy inputs for the Swift → Python differential tests: unicode, huge and empty
// strings, special doubles (stale marker NaN, -0, subnormals, ±Inf), extreme int64s, many series.
@testable import RemoteStorage

enum RandomMessages {

    /// A sample value as exporters produce them: specials (stale NaN, ±Inf, -0 …), random bits, repeats, a growing
    /// counter, and small gauges. `counter` carries the counter between calls.
    static func exporterValue(
        using rng: inout some RandomNumberGenerator, counter: inout Double, previous: Double?
    ) -> Double {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return Double(bitPattern: specialBits.randomElement(using: &rng)!)
        case 1: return Double(bitPattern: rng.next())
        case 2: return previous ?? 0
        case 3, 4, 5:
            counter += Double(Int.random(in: 0...50, using: &rng))
            return counter
        default: return Double.random(in: -100...100, using: &rng).rounded() / 8
        }
    }
    static let specialBits: [UInt64] = [
        0x7ff0_0000_0000_0002, 0x8000_0000_0000_0000, 1, 0x7ff0_0000_0000_0000, 0xfff0_0000_0000_0000,
        0x7ff8_0000_0000_0000, 0xfff8_0000_0000_0001, 0x3fb9_9999_9999_999a, 0, 0x7fef_ffff_ffff_ffff,
    ]
    static let pieces = ["é", "ü", "日本語", "😀", "🏳️‍🌈", "\u{301}", "\u{0}", "'", "\"", "\\", "𝄞", "a", "Z", ":", "/"]

    static func string<R: RandomNumberGenerator>(_ rng: inout R) -> String {
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<15: return ""
        case 15..<55:
            return String((0..<Int.random(in: 1...24, using: &rng)).map { _ in "abcdefghijklmnopqrstuvwxyz_0123456789".randomElement(using: &rng)! })
        default: return (0..<Int.random(in: 1...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
        }
    }

    static func double<R: RandomNumberGenerator>(_ rng: inout R) -> Double {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: Double(bitPattern: specialBits.randomElement(using: &rng)!)
        case 1: Double(bitPattern: rng.next())
        default: Double.random(in: -1e6...1e6, using: &rng)
        }
    }

    static func int64<R: RandomNumberGenerator>(_ rng: inout R) -> Int64 {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: 0
        case 1: [Int64.min, Int64.max, -1, 1].randomElement(using: &rng)!
        case 2, 3: Int64(bitPattern: rng.next())
        default: 1_700_000_000_000 + Int64.random(in: 0..<1_000_000_000, using: &rng)
        }
    }

    static func series<R: RandomNumberGenerator>(_ rng: inout R, labels: Int, samples: Int) -> TimeSeries {
        TimeSeries(
            labels: (0..<labels).map { _ in Label(name: string(&rng), value: string(&rng)) },
            samples: (0..<samples).map { _ in Sample(value: double(&rng), timestamp: int64(&rng)) })
    }

    static func manySeries<R: RandomNumberGenerator>(_ rng: inout R) -> [TimeSeries] {
        let count = Int.random(in: 0..<20, using: &rng) == 0 ? Int.random(in: 200...500, using: &rng) : Int.random(in: 0...8, using: &rng)
        var result = (0..<count).map { _ in
            series(&rng, labels: Int.random(in: 0...12, using: &rng), samples: Int.random(in: 0...5, using: &rng))
        }
        if !result.isEmpty && Int.random(in: 0..<20, using: &rng) == 0 {  // one huge label value
            let huge = String(repeating: ["x", "€"].randomElement(using: &rng)!, count: Int.random(in: 10_000...70_000, using: &rng))
            result[0].labels.append(Label(name: "huge", value: huge))
        }
        return result
    }

    static func writeRequest<R: RandomNumberGenerator>(_ rng: inout R) -> WriteRequest {
        WriteRequest(timeseries: manySeries(&rng))
    }

    static func readResponse<R: RandomNumberGenerator>(_ rng: inout R) -> ReadResponse {
        ReadResponse(results: (0..<Int.random(in: 0...3, using: &rng)).map { _ in QueryResult(timeseries: manySeries(&rng)) })
    }

    static func readRequest<R: RandomNumberGenerator>(_ rng: inout R) -> ReadRequest {
        let types: [MatcherType] = [.equal, .notEqual, .regex, .notRegex, .unknown(7)]
        let queries = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
            Query(
                startTimestampMs: int64(&rng), endTimestampMs: int64(&rng),
                matchers: (0..<Int.random(in: 0...5, using: &rng)).map { _ in
                    LabelMatcher(type: types.randomElement(using: &rng)!, name: string(&rng), value: string(&rng))
                },
                hints: Bool.random(using: &rng)
                    ? ReadHints(
                        stepMs: int64(&rng), function: ["", "rate", "count"].randomElement(using: &rng)!,
                        startMs: int64(&rng), endMs: int64(&rng),
                        grouping: (0..<Int.random(in: 0...3, using: &rng)).map { _ in string(&rng) },
                        by: Bool.random(using: &rng), rangeMs: int64(&rng))
                    : nil)
        }
        let responseTypes: [ResponseType] = [.samples, .streamedXORChunks]
        return ReadRequest(
            queries: queries,
            acceptedResponseTypes: (0..<Int.random(in: 0...2, using: &rng)).map { _ in responseTypes.randomElement(using: &rng)! })
    }

    /// Six shapes in turn: tiny/empty, incompressible (some > 64 KiB), short-period runs, repetitive text over
    /// several 64 KiB blocks, serialized protobuf, two-letter noise.
    static func snappyInput<R: RandomNumberGenerator>(_ rng: inout R, kind: Int) -> [UInt8] {
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        switch kind % 6 {
        case 0: return Int.random(in: 0..<3, using: &rng) == 0 ? [] : bytes(Int.random(in: 1...16, using: &rng))
        case 1: return bytes(Int.random(in: 0..<10, using: &rng) == 0 ? Int.random(in: 65_000...140_000, using: &rng) : Int.random(in: 1...3000, using: &rng))
        case 2:
            return (0..<Int.random(in: 1...50, using: &rng)).flatMap { _ in
                [UInt8](repeating: UInt8.random(in: 0...255, using: &rng), count: Int.random(in: 1...300, using: &rng))
            }
        case 3:
            let words = (0..<20).map { _ in bytes(Int.random(in: 2...12, using: &rng)) }
            let count = Int.random(in: 0..<5, using: &rng) == 0 ? Int.random(in: 30_000...40_000, using: &rng) : Int.random(in: 10...3000, using: &rng)
            return (0..<count).flatMap { _ in words.randomElement(using: &rng)! + [0x20] }
        case 4: return writeRequest(&rng).serialized()
        default: return (0..<Int.random(in: 1...5000, using: &rng)).map { _ in Bool.random(using: &rng) ? 0x61 : 0x62 }
        }
    }
}
