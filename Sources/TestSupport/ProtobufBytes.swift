/// Tests only: a minimal protobuf wire writer, independent of RemoteStorage's, for bodies the library's encoders do
/// not write (exemplars, native histograms, metadata, invalid UTF-8): fields appended in the order given.
public struct ProtobufBytes {
    public var data: [UInt8] = []

    public init() {}

    public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            data.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        data.append(UInt8(v))
    }

    public mutating func tag(_ field: UInt64, _ wire: UInt64) { varint(field << 3 | wire) }
    public mutating func varintField(_ field: UInt64, _ v: UInt64) { tag(field, 0); varint(v) }
    public mutating func zigzagField(_ field: UInt64, _ v: Int64) { varintField(field, UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    public mutating func doubleField(_ field: UInt64, _ v: Double) {
        tag(field, 1)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 }
    }

    public mutating func bytesField(_ field: UInt64, _ b: [UInt8]) { tag(field, 2); varint(UInt64(b.count)); data += b }
    public mutating func stringField(_ field: UInt64, _ s: String) { bytesField(field, Array(s.utf8)) }

    /// A `BucketSpan` message: offset = 1 (sint32), length = 2.
    public mutating func span(_ field: UInt64, _ offset: Int64, _ length: UInt64) {
        var s = ProtobufBytes()
        s.zigzagField(1, offset)
        s.varintField(2, length)
        bytesField(field, s.data)
    }

    public mutating func packedZigzag(_ field: UInt64, _ values: [Int64]) {
        var p = ProtobufBytes()
        for v in values { p.varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
        bytesField(field, p.data)
    }
}
