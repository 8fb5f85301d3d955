import AWS

/// A row's label values as one byte string, the `SeriesAssembler`'s key: for each label column in order, `0`
/// when the label is absent (NULL or empty), else `1`, the value's length (4 bytes, little-endian) and its
/// UTF-8. Equal keys ⇔ byte-identical label values (Prometheus and Timestream compare label bytes, while
/// Swift's `String ==` follows Unicode canonical equivalence: "é" and "e" + U+0301 are two series here).
enum SeriesKey {
    /// Rebuilds `key` in place (keeping its capacity) from `row`'s cells in `labelColumns`.
    @inline(__always)
    static func build(_ key: inout [UInt8], row: QueryRow, labelColumns: [Int]) {
        key.removeAll(keepingCapacity: true)
        for column in labelColumns {
            guard let text = row.scalar(column), !text.isEmpty else {
                key.append(0)
                continue
            }
            let length = UInt32(truncatingIfNeeded: text.count)
            key.append(1)
            withUnsafeBytes(of: length.littleEndian) { key.append(contentsOf: $0) }
            key.append(contentsOf: text)
        }
    }
}
