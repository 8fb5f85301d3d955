#if canImport(Glibc)
import Glibc
#endif

/// A label's bytes inside the request's label bytes (the decoded body, or `LabelText`'s buffer).
struct ByteSpan: Equatable {
    var start: UnsafePointer<UInt8>
    var count: Int

    init(start: UnsafePointer<UInt8>, count: Int) {
        self.start = start
        self.count = count
    }

    /// An empty span points at `base` (memcmp wants a valid pointer even for no bytes).
    init(_ base: UnsafePointer<UInt8>, offset: UInt32, count: UInt32) {
        self.init(start: base + Int(offset), count: Int(count))
    }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

    /// Same bytes (the same range in the body, or equal content).
    @inline(__always) func sameBytes(_ other: ByteSpan) -> Bool {
        count == other.count && (start == other.start || Self.order(start, other.start, count) == 0)
    }

    /// Byte-lexicographic order (for ASCII, the order of Swift's `String <` that the general path sorts by).
    @inline(__always) func precedes(_ other: ByteSpan) -> Bool {
        let common = Self.order(start, other.start, min(count, other.count))
        return common < 0 || (common == 0 && count < other.count)
    }

    func hasPrefix(_ prefix: StaticString) -> Bool {
        count >= prefix.utf8CodeUnitCount && Self.order(start, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    /// `memcmp`'s answer (negative, 0, positive) for `count` bytes, computed inline up to 16 bytes: label names and
    /// values are mostly that short, where calling `memcmp` cost more than comparing (8.8 % of the translation's
    /// instructions). Big-endian words order as their bytes do; two words that overlap cover 4–16 bytes, and when
    /// the first words are equal the overlapped bytes are too, so the second pair's first difference is the first
    /// difference. Never reads outside the two ranges.
    @inline(__always) static func order(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Int {
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        if count >= 8 {
            guard count <= 16 else { return Int(memcmp(a, b, count)) }
            let first = compare(x.loadUnaligned(as: UInt64.self), y.loadUnaligned(as: UInt64.self))
            if first != 0 { return first }
            return compare(
                x.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self),
                y.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        }
        if count >= 4 {
            let first = compare(x.loadUnaligned(as: UInt32.self), y.loadUnaligned(as: UInt32.self))
            if first != 0 { return first }
            return compare(
                x.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self),
                y.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        }
        for index in 0..<count where a[index] != b[index] { return a[index] < b[index] ? -1 : 1 }
        return 0
    }

    /// Words loaded from memory (little-endian here), compared as their bytes order: big-endian.
    @inline(__always) private static func compare<W: FixedWidthInteger & UnsignedInteger>(_ x: W, _ y: W) -> Int {
        x == y ? 0 : (W(bigEndian: x) < W(bigEndian: y) ? -1 : 1)
    }

    func equals(_ text: StaticString) -> Bool { count == text.utf8CodeUnitCount && hasPrefix(text) }

    /// The bytes as text (for reasons and explanations only).
    var text: String { String(decoding: buffer, as: UTF8.self) }
}
