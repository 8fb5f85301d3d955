@testable import TimestreamTranslation
import TestSupport
import Testing

/// `RecordBatcher.keepShared` (what `CommonAttributes` hoists) against the plain definition: the pairs of `common`
/// that every later series also has, in `common`'s order, whether a series keeps its labels where the previous one
/// had them (the fast check) or not (the merge).
@Suite struct RecordBatcherTests {
    @Test func sharedDimensionsAreThoseEverySeriesHas() {
        var random = SplitMix64(seed: 5)
        let names = ["cluster", "cpu", "env", "instance", "job", "mode", "zone"]
        let values = ["a", "b", "prod"]
        // All texts in one buffer, so spans of equal text sit at different addresses (as in a request).
        var text: [UInt8] = []
        var pieces: [String: [Range<Int>]] = [:]
        for piece in names + values {
            for _ in 0..<3 {
                let start = text.count
                text += Array(piece.utf8)
                pieces[piece, default: []].append(start..<text.count)
            }
        }
        text.withUnsafeBufferPointer { bytes in
            func span(_ piece: String) -> ByteSpan {
                let range = pieces[piece]![random.next(below: 3)]
                return ByteSpan(start: bytes.baseAddress! + range.lowerBound, count: range.count)
            }
            for _ in 0..<2000 {
                // A batch: series over a random subset of names; sometimes the same layout as the last series.
                var layouts: [[(String, String)]] = []
                for _ in 0..<(1 + random.next(below: 6)) {
                    if let last = layouts.last, random.next(below: 2) == 0 {
                        layouts.append(last)
                        continue
                    }
                    let present = names.filter { _ in random.next(below: 3) > 0 }
                    layouts.append(present.map { ($0, values[random.next(below: 3)]) })
                }
                var common = layouts[0].map { (span($0.0), span($0.1)) }
                var positions = Array(common.indices)
                var expected = layouts[0]
                for layout in layouts.dropFirst() {
                    let series = layout.map { (span($0.0), span($0.1)) }
                    series.withUnsafeBufferPointer { RecordBatcher.keepShared(&common, at: &positions, with: $0) }
                    expected = expected.filter { pair in layout.contains { $0 == pair } }
                }
                #expect(common.map { ($0.0.text, $0.1.text) }.elementsEqual(expected) { $0 == $1 })
            }
        }
    }

    /// Timestamps as text: `DecimalText` writes what `String(_:)` does, at every digit count and both signs.
    @Test func decimalTextIsStringsText() {
        var random = SplitMix64(seed: 3)
        var values: [Int64] = [
            0, 1, -1, 9, 10, 99, 100, 101, 999, 1000, .max, .min, .max - 1, .min + 1, 1_700_000_000_000,
        ]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power, -(power - 1)]
        }
        for _ in 0..<10_000 { values.append(Int64(bitPattern: random.next()) >> random.next(below: 63)) }
        for value in values {
            let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
                String(decoding: buffer[DecimalText.write(value, endingAt: buffer)...], as: UTF8.self)
            }
            #expect(text == String(value))
        }
    }
}
