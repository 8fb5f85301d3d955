/// Appends bits most-significant first to a byte array, the bit order of Prometheus' `bstream`
/// (tsdb/chunkenc/bstream.go) that XOR chunks are written with. The last byte is zero-padded.
struct BitWriter {
    private(set) var bytes: [UInt8]
    /// Bits still free in the last byte (0 = the next bit starts a new byte).
    private var free = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func writeBit(_ bit: Bool) {
        if free == 0 {
            bytes.append(0)
            free = 8
        }
        free -= 1
        if bit { bytes[bytes.count - 1] |= 1 << UInt8(free) }
    }

    /// The low `count` bits of `value`, most significant first (`count` in 0...64).
    mutating func writeBits(_ value: UInt64, count: Int) {
        var remaining = count
        while remaining > 0 {
            if free == 0 {
                bytes.append(0)
                free = 8
            }
            let take = min(free, remaining)
            let chunk = (value >> UInt64(remaining - take)) & ((1 << UInt64(take)) - 1)
            bytes[bytes.count - 1] |= UInt8(chunk) << UInt8(free - take)
            free -= take
            remaining -= take
        }
    }

    /// Whole bytes; only valid on a byte boundary (used for the header varints that precede the bit stream).
    mutating func writeByte(_ byte: UInt8) {
        writeBits(UInt64(byte), count: 8)
    }
}
