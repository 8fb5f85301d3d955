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
        count == other.count && (start == other.start || memcmp(start, other.start, count) == 0)
    }

    /// Byte-lexicographic order (for ASCII, the order of Swift's `String <` that the general path sorts by).
    @inline(__always) func precedes(_ other: ByteSpan) -> Bool {
        let common = memcmp(start, other.start, min(count, other.count))
        return common < 0 || (common == 0 && count < other.count)
    }

    func hasPrefix(_ prefix: StaticString) -> Bool {
        count >= prefix.utf8CodeUnitCount && memcmp(start, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    func equals(_ text: StaticString) -> Bool { count == text.utf8CodeUnitCount && hasPrefix(text) }

    /// The bytes as text (for reasons and explanations only).
    var text: String { String(decoding: buffer, as: UTF8.self) }
}
