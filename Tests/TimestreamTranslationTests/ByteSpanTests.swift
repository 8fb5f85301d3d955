@testable import TimestreamTranslation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `ByteSpan.order` (inline words up to 16 bytes) must answer as `memcmp` does, and `sameBytes` / `precedes` /
/// `hasPrefix` follow from it.
@Suite struct ByteSpanTests {
    /// The sign memcmp gives.
    private func memcmpSign(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Int {
        let order = memcmp(a, b, count)
        return order < 0 ? -1 : (order > 0 ? 1 : 0)
    }

    @Test func orderIsMemcmpsForEveryLengthAndEveryFirstDifference() {
        var random = SplitMix64(seed: 11)
        for count in 0...40 {
            // Equal texts, then each position made smaller or greater on one side, with bytes ≥ 0x80 included
            // (they must order after ASCII, as unsigned bytes do).
            let text = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            for position in -1..<count {
                for delta in [-1, 1] {
                    var other = text
                    if position >= 0 {
                        other[position] = UInt8(truncatingIfNeeded: Int(other[position]) + delta)
                        // A later difference the other way round must not win over the first one.
                        if position + 1 < count {
                            other[position + 1] = UInt8(truncatingIfNeeded: Int(other[position + 1]) - delta)
                        }
                    }
                    // One byte more, so even an empty text has an address.
                    (text + [0]).withUnsafeBufferPointer { a in
                        (other + [0]).withUnsafeBufferPointer { b in
                            let got = ByteSpan.order(a.baseAddress!, b.baseAddress!, count)
                            let want = memcmpSign(a.baseAddress!, b.baseAddress!, count)
                            #expect(got.signum() == want, "length \(count), difference at \(position) by \(delta)")
                        }
                    }
                }
            }
        }
    }

    @Test func spansCompareByContentAndLength() {
        let texts = [
            "", "a", "ab", "job", "jobs", "instance", "instance2", "__name__", "a_rather_long_label_name", "é",
        ]
        let bytes = texts.map { Array($0.utf8) + [0] }  // + 0: never an empty array without an address
        for (i, x) in bytes.enumerated() {
            for (j, y) in bytes.enumerated() {
                x.withUnsafeBufferPointer { a in
                    y.withUnsafeBufferPointer { b in
                        let left = ByteSpan(start: a.baseAddress!, count: a.count - 1)
                        let right = ByteSpan(start: b.baseAddress!, count: b.count - 1)
                        #expect(left.sameBytes(right) == (texts[i] == texts[j]))
                        #expect(left.precedes(right) == Array(texts[i].utf8).lexicographicallyPrecedes(texts[j].utf8))
                    }
                }
            }
        }
        let name = Array("__name__".utf8)
        name.withUnsafeBufferPointer { span in
            let label = ByteSpan(start: span.baseAddress!, count: span.count)
            #expect(label.equals("__name__") && label.hasPrefix("__") && !label.hasPrefix("__nameX"))
            #expect(!ByteSpan(start: span.baseAddress!, count: 7).equals("__name__"))
        }
    }
}
