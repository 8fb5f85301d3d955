// Prometheus' XOR chunk (Gorilla-style float encoding), as specified in tsdb/docs/format/chunks.md ("XOR chunk
// data") and implemented by tsdb/chunkenc/xor.go:
//   num_samples <uint16 BE> · ts_0 <varint> · v_0 <float64> · ts_1_delta <uvarint> · v_1_xor <varbit_xor> ·
//   (ts_n_dod <varbit_ts> · v_n_xor <varbit_xor>)… · padding to a byte.

/// Encodes float samples into one XOR chunk. Samples are appended in time order; Prometheus cuts a chunk at
/// `XORChunkEncoder.maxSamples` (120) samples, and the header's 16-bit count bounds it in any case.
struct XORChunkEncoder: Sendable {
    /// Samples per chunk, as Prometheus' remote-read server cuts them (storage/remote/codec.go, encodeChunks).
    static let maxSamples = 120

    private var stream = BitWriter(bytes: [0, 0])
    /// Samples appended so far (the header's num_samples).
    private(set) var count = 0
    /// Timestamp of the first sample (ms), the chunk's `min_time_ms`.
    private(set) var minTime: Int64 = 0
    /// Timestamp of the last sample (ms), the chunk's `max_time_ms`.
    private(set) var maxTime: Int64 = 0
    private var previousTime: Int64 = 0
    private var previousDelta: UInt64 = 0
    private var previousBits: UInt64 = 0
    /// The leading/trailing zero window of the last "new window" value; `nil` until one is written.
    private var window: (leading: Int, trailing: Int)? = nil

    /// An empty chunk.
    init() {}

    /// Whether another sample fits (the header counts up to 65535; Prometheus stops at 120).
    var isFull: Bool { count >= Self.maxSamples }

    /// Appends a sample. Timestamps should not decrease (remote read returns them sorted); deltas wrap like
    /// Go's int64 arithmetic instead of trapping, so any input encodes.
    mutating func append(timestamp: Int64, value: Double) {
        let bits = value.bitPattern
        switch count {
        case 0:
            writeVarint(timestamp)
            stream.writeBits(bits, count: 64)
            minTime = timestamp
        case 1:
            let delta = UInt64(bitPattern: timestamp &- previousTime)
            writeUvarint(delta)
            writeValue(bits)
            previousDelta = delta
        default:
            let delta = UInt64(bitPattern: timestamp &- previousTime)
            writeDeltaOfDelta(Int64(bitPattern: delta &- previousDelta))
            writeValue(bits)
            previousDelta = delta
        }
        previousTime = timestamp
        previousBits = bits
        maxTime = timestamp
        count += 1
    }

    /// The chunk bytes: the big-endian sample count, then the bit stream.
    var bytes: [UInt8] {
        var bytes = stream.bytes
        bytes[0] = UInt8(truncatingIfNeeded: count >> 8)
        bytes[1] = UInt8(truncatingIfNeeded: count)
        return bytes
    }

    /// `<varbit_ts>`: 0 → '0'; else '10'+14 bits, '110'+17, '1110'+20, or '1111'+64 (two's complement).
    private mutating func writeDeltaOfDelta(_ dod: Int64) {
        if dod == 0 {
            stream.writeBit(false)
        } else if Self.fits(dod, bits: 14) {
            stream.writeBits(0b10, count: 2)
            stream.writeBits(UInt64(bitPattern: dod), count: 14)
        } else if Self.fits(dod, bits: 17) {
            stream.writeBits(0b110, count: 3)
            stream.writeBits(UInt64(bitPattern: dod), count: 17)
        } else if Self.fits(dod, bits: 20) {
            stream.writeBits(0b1110, count: 4)
            stream.writeBits(UInt64(bitPattern: dod), count: 20)
        } else {
            stream.writeBits(0b1111, count: 4)
            stream.writeBits(UInt64(bitPattern: dod), count: 64)
        }
    }

    /// xor.go's `bitRange`: −(2^(n−1) − 1) … 2^(n−1). The asymmetric range is part of the format: a decoder
    /// reads a field above 2^(n−1) as negative.
    private static func fits(_ value: Int64, bits: Int) -> Bool {
        let half = Int64(1) << Int64(bits - 1)
        return value >= -(half - 1) && value <= half
    }

    /// `<varbit_xor>`: '0' when the value repeats; '10' + the significant bits when they fit the previous
    /// leading/trailing-zero window; else '11' + 5 bits leading zeros + 6 bits significant-bit count (64 is
    /// written as 0) + the significant bits.
    private mutating func writeValue(_ bits: UInt64) {
        let xor = bits ^ previousBits
        guard xor != 0 else {
            stream.writeBit(false)
            return
        }
        stream.writeBit(true)
        // Leading zeros are clamped to 31 so they fit the 5-bit field.
        let leading = min(xor.leadingZeroBitCount, 31)
        let trailing = xor.trailingZeroBitCount
        if let window, leading >= window.leading, trailing >= window.trailing {
            stream.writeBit(false)
            stream.writeBits(xor >> UInt64(window.trailing), count: 64 - window.leading - window.trailing)
        } else {
            window = (leading, trailing)
            stream.writeBit(true)
            stream.writeBits(UInt64(leading), count: 5)
            let significant = 64 - leading - trailing
            stream.writeBits(UInt64(significant & 63), count: 6)
            stream.writeBits(xor >> UInt64(trailing), count: significant)
        }
    }

    /// Go's `binary.PutVarint`: zig-zag, then base-128 little-endian groups.
    private mutating func writeVarint(_ value: Int64) {
        writeUvarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    private mutating func writeUvarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            stream.writeByte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        stream.writeByte(UInt8(v))
    }
}
