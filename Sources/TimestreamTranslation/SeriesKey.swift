import TimestreamCodec
#if canImport(Glibc)
import Glibc
#endif

/// A row's label values as one byte string, the `SeriesAssembler`'s key: for each label column in order, `0`
/// when the label is absent (NULL or empty), else `1`, the value's length (4 bytes, little-endian) and its
/// UTF-8. Equal keys ⇔ byte-identical label values (Prometheus and Timestream compare label bytes, while
/// Swift's `String ==` follows Unicode canonical equivalence: "é" and "e" + U+0301 are two series here).
enum SeriesKey {
    /// Rebuilds `key` in place (keeping its capacity) from `row`'s cells in `labelColumns`.
    static func build(_ key: inout [UInt8], row: QueryRow, labelColumns: [Int]) {
        key.removeAll(keepingCapacity: true)
        for column in labelColumns {
            guard let text = row.scalar(column), !text.isEmpty else {
                key.append(0)
                continue
            }
            key.append(1)
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: text.count).littleEndian) { key.append(contentsOf: $0) }
            key.append(contentsOf: text)
        }
    }

    /// Whether `key` is the key `build` would make for `row`, compared in place (most rows belong to the
    /// previous row's series, so this is the common case and builds nothing).
    @inline(__always)
    static func matches(_ key: [UInt8], row: QueryRow, labelColumns: [Int]) -> Bool {
        key.withUnsafeBufferPointer { key in
            var position = 0
            for column in labelColumns {
                guard position < key.count else { return false }
                guard let text = row.scalar(column), !text.isEmpty else {
                    guard key[position] == 0 else { return false }
                    position += 1
                    continue
                }
                guard key[position] == 1, key.count - position >= 5 + text.count else { return false }
                var length: UInt32 = 0
                for i in 0..<4 { length |= UInt32(key[position + 1 + i]) << (8 * i) }
                guard length == text.count,
                    memcmp(key.baseAddress! + position + 5, text.baseAddress!, text.count) == 0
                else { return false }
                position += 5 + text.count
            }
            return position == key.count
        }
    }
}
