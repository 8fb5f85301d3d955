/// Appends protobuf wire format to a byte array. Messages compute their sizes first (`ProtobufSize`) so each
/// length prefix is written once, minimal, and the array is reserved to its final size up front.
struct ProtobufWriter {
    private(set) var bytes: [UInt8]

    init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always)
    mutating func writeTag(_ field: UInt64, _ wireType: WireType) {
        writeVarint(field << 3 | UInt64(wireType.rawValue))
    }

    @inline(__always)
    mutating func writeFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A varint field (int64/uint64/enum/bool), omitted when zero as proto3 does.
    @inline(__always)
    mutating func writeVarintField(_ field: UInt64, _ value: UInt64) {
        guard value != 0 else { return }
        writeTag(field, .varint)
        writeVarint(value)
    }

    /// A double field, omitted only when its bits are all zero (so -0.0 and NaN payloads survive).
    @inline(__always)
    mutating func writeDoubleField(_ field: UInt64, _ value: Double) {
        guard value.bitPattern != 0 else { return }
        writeTag(field, .fixed64)
        writeFixed64(value.bitPattern)
    }

    /// A string field, omitted when empty as proto3 does.
    @inline(__always)
    mutating func writeStringField(_ field: UInt64, _ value: String) {
        guard !value.isEmpty else { return }
        writeTag(field, .lengthDelimited)
        var value = value
        value.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Raw bytes (the payload after a `beginMessage` or a packed field's prefix).
    @inline(__always)
    mutating func appendRaw(_ raw: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// The key and length prefix of an embedded message of `size` bytes; the caller writes its fields next.
    @inline(__always)
    mutating func beginMessage(_ field: UInt64, size: Int) {
        writeTag(field, .lengthDelimited)
        writeVarint(UInt64(size))
    }
}

/// Encoded sizes, matching `ProtobufWriter`'s output exactly.
enum ProtobufSize {
    @inline(__always)
    static func varint(_ value: UInt64) -> Int {
        // 1 byte per started group of 7 significant bits (at least one).
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    @inline(__always)
    static func tag(_ field: UInt64) -> Int { varint(field << 3) }

    @inline(__always)
    static func varintField(_ field: UInt64, _ value: UInt64) -> Int {
        value == 0 ? 0 : tag(field) + varint(value)
    }

    @inline(__always)
    static func doubleField(_ field: UInt64, _ value: Double) -> Int {
        value.bitPattern == 0 ? 0 : tag(field) + 8
    }

    @inline(__always)
    static func stringField(_ field: UInt64, _ value: String) -> Int {
        let count = value.utf8.count
        return count == 0 ? 0 : tag(field) + varint(UInt64(count)) + count
    }

    /// An embedded message of `size` bytes with its key and length prefix (always written, even when empty).
    @inline(__always)
    static func message(_ field: UInt64, _ size: Int) -> Int {
        tag(field) + varint(UInt64(size)) + size
    }
}
