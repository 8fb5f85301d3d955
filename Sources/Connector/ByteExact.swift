/// Byte-exact string comparison. Swift's `String ==`, `<` and hashing follow Unicode canonical equivalence
/// ("é" as one scalar equals "e" + U+0301), but Prometheus and Timestream compare label bytes: two such label
/// values are two different series, and must never be merged or shared.
extension StringProtocol {
    /// Equal UTF-8 bytes.
    @inline(__always) func bytesEqual(_ other: some StringProtocol) -> Bool { utf8.elementsEqual(other.utf8) }

    /// Ordered by UTF-8 bytes (Prometheus' label order).
    @inline(__always) func bytesPrecede(_ other: some StringProtocol) -> Bool {
        utf8.lexicographicallyPrecedes(other.utf8)
    }
}

/// A row's label values as a dictionary key compared and hashed byte for byte (nil = label absent).
struct ByteExactKey: Hashable {
    var values: [String?]

    static func == (a: ByteExactKey, b: ByteExactKey) -> Bool {
        a.values.count == b.values.count
            && zip(a.values, b.values).allSatisfy { x, y in
                switch (x, y) {
                case (nil, nil): true
                case let (x?, y?): x.bytesEqual(y)
                default: false
                }
            }
    }

    func hash(into hasher: inout Hasher) {
        for value in values {
            guard let value else {
                hasher.combine(0 as UInt8)
                continue
            }
            hasher.combine(1 as UInt8)
            hasher.combine(value.utf8.count)
            for byte in value.utf8 { hasher.combine(byte) }
        }
    }
}
