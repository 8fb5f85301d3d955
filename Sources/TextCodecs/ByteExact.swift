#if canImport(Glibc)
import Glibc
#endif

/// Byte-exact string comparison. Swift's `String ==`, `<` and hashing follow Unicode canonical equivalence
/// ("é" as one scalar equals "e" + U+0301), but Prometheus and Timestream compare label bytes: two such label
/// values are two different series, and must never be merged or shared.
extension String {
    /// Equal UTF-8 bytes: the counts (O(1) for native strings), then one `memcmp`, skipped when both share the
    /// same storage (strings decoded through one request-wide cache mostly do). Never Swift's `==`, which would
    /// also accept canonically equivalent strings.
    @inlinable @inline(__always)
    package func bytesEqual(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        let same = utf8.withContiguousStorageIfAvailable { x in
            other.utf8.withContiguousStorageIfAvailable { y in
                x.isEmpty || x.baseAddress == y.baseAddress || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0
            }
        }
        return (same ?? nil) ?? utf8.elementsEqual(other.utf8)
    }
}
