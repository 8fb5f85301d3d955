#if canImport(Glibc)
import Glibc
#endif

/// Byte-exact string comparison. Swift's `String ==`, `<` and hashing follow Unicode canonical equivalence
/// ("é" as one scalar equals "e" + U+0301), but Prometheus and Timestream compare label bytes: two such label
/// values are two different series, and must never be merged or shared.
extension String {
    /// Equal UTF-8 bytes. `==` first (Swift's fast path), then the bytes, since canonically equivalent strings
    /// compare equal there. Ordering needs no such care: sorting only has to be consistent (Timestream ignores
    /// dimension order), and equality, which decides what is merged or shared, is byte-exact.
    @inline(__always) func bytesEqual(_ other: String) -> Bool {
        guard self == other else { return false }
        let same = utf8.withContiguousStorageIfAvailable { x in
            other.utf8.withContiguousStorageIfAvailable { y in
                x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
        return (same ?? nil) ?? utf8.elementsEqual(other.utf8)
    }
}
