/// The raw-block compressor behind `Snappy.compress`: a port of the reference/Go encoder's greedy hash-table
/// matcher (github.com/golang/snappy encode_other.go), input split into independent 64 KiB blocks.
enum SnappyEncoder {
    static let blockSize = 1 << 16
    static let maxTableSize = 1 << 14
    /// Blocks shorter than this are emitted as one literal (the matcher needs 15 bytes of look-ahead).
    static let inputMargin = 16 - 1
    static let minNonLiteralBlockSize = 1 + 1 + inputMargin

    static func encode(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        let capacity = Snappy.maxCompressedLength(input.count)
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let out = UnsafeMutableRawBufferPointer(buffer)
            var d = putVarint(out, 0, UInt64(input.count))
            var table = [UInt16](repeating: 0, count: maxTableSize)
            table.withUnsafeMutableBufferPointer { table in
                var start = 0
                while start < input.count {
                    let end = min(start + blockSize, input.count)
                    let block = UnsafeRawBufferPointer(rebasing: input[start..<end])
                    if block.count < minNonLiteralBlockSize {
                        d = emitLiteral(out, d, block, 0, block.count)
                    } else {
                        d = encodeBlock(out, d, block, table)
                    }
                    start = end
                }
            }
            initialized = d
        }
    }

    @inline(__always)
    private static func hash(_ value: UInt32, _ shift: UInt32) -> Int {
        Int((value &* 0x1e35_a7bd) >> shift)
    }

    @inline(__always)
    private static func load32(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
    }

    @inline(__always)
    private static func load64(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
    }

    /// Greedy matching over one block (≤ 64 KiB, so table entries fit in UInt16). Returns the new output position.
    private static func encodeBlock(
        _ out: UnsafeMutableRawBufferPointer, _ start: Int, _ src: UnsafeRawBufferPointer,
        _ table: UnsafeMutableBufferPointer<UInt16>
    ) -> Int {
        var d = start
        // Table size: the smallest power of two ≥ the block (min 256), as the reference does.
        var shift: UInt32 = 32 - 8
        var tableSize = 1 << 8
        while tableSize < maxTableSize && tableSize < src.count {
            tableSize *= 2
            shift -= 1
        }
        let mask = tableSize - 1
        table.update(repeating: 0)
        let sLimit = src.count - inputMargin
        var nextEmit = 0
        var s = 1
        var nextHash = hash(load32(src, s), shift)
        outer: while true {
            // Look for a 4-byte match, skipping faster the longer nothing matches (incompressible data).
            var skip = 32
            var nextS = s
            var candidate = 0
            while true {
                s = nextS
                let bytesBetweenLookups = skip >> 5
                nextS = s + bytesBetweenLookups
                skip += bytesBetweenLookups
                if nextS > sLimit { break outer }
                candidate = Int(table[nextHash & mask])
                table[nextHash & mask] = UInt16(truncatingIfNeeded: s)
                nextHash = hash(load32(src, nextS), shift)
                if load32(src, s) == load32(src, candidate) { break }
            }
            d = emitLiteral(out, d, src, nextEmit, s)
            // Emit copies while the byte after each match starts another one.
            while true {
                let base = s
                s += 4
                var i = candidate + 4
                while s < src.count && src[i] == src[s] {
                    i += 1
                    s += 1
                }
                d = emitCopy(out, d, offset: base - candidate, length: s - base)
                nextEmit = s
                if s >= sLimit { break outer }
                let x = load64(src, s - 1)
                table[hash(UInt32(truncatingIfNeeded: x), shift) & mask] = UInt16(truncatingIfNeeded: s - 1)
                let currentHash = hash(UInt32(truncatingIfNeeded: x >> 8), shift)
                candidate = Int(table[currentHash & mask])
                table[currentHash & mask] = UInt16(truncatingIfNeeded: s)
                if UInt32(truncatingIfNeeded: x >> 8) != load32(src, candidate) {
                    nextHash = hash(UInt32(truncatingIfNeeded: x >> 16), shift)
                    s += 1
                    break
                }
            }
        }
        if nextEmit < src.count { d = emitLiteral(out, d, src, nextEmit, src.count) }
        return d
    }

    /// Literal element for src[from..<to] (1...65536 bytes).
    private static func emitLiteral(
        _ out: UnsafeMutableRawBufferPointer, _ start: Int, _ src: UnsafeRawBufferPointer, _ from: Int, _ to: Int
    ) -> Int {
        var d = start
        let n = to - from - 1
        if n < 60 {
            out[d] = UInt8(n << 2)
            d += 1
        } else if n < 1 << 8 {
            out[d] = 60 << 2
            out[d + 1] = UInt8(n)
            d += 2
        } else {
            out[d] = 61 << 2
            out[d + 1] = UInt8(truncatingIfNeeded: n)
            out[d + 2] = UInt8(truncatingIfNeeded: n >> 8)
            d += 3
        }
        (out.baseAddress! + d).copyMemory(from: src.baseAddress! + from, byteCount: to - from)
        return d + to - from
    }

    /// Copy elements for a match (offset < 64 KiB): 3-byte copies of 64, then one 2- or 3-byte copy for the rest.
    private static func emitCopy(_ out: UnsafeMutableRawBufferPointer, _ start: Int, offset: Int, length: Int) -> Int {
        var d = start
        var length = length
        let low = UInt8(truncatingIfNeeded: offset)
        let high = UInt8(truncatingIfNeeded: offset >> 8)
        while length >= 68 {
            out[d] = 63 << 2 | 2
            out[d + 1] = low
            out[d + 2] = high
            d += 3
            length -= 64
        }
        if length > 64 {  // leave at least 4 bytes so the tail can use the short form
            out[d] = 59 << 2 | 2
            out[d + 1] = low
            out[d + 2] = high
            d += 3
            length -= 60
        }
        if length >= 12 || offset >= 2048 {
            out[d] = UInt8(length - 1) << 2 | 2
            out[d + 1] = low
            out[d + 2] = high
            return d + 3
        }
        out[d] = high << 5 | UInt8(length - 4) << 2 | 1
        out[d + 1] = low
        return d + 2
    }

    private static func putVarint(_ out: UnsafeMutableRawBufferPointer, _ start: Int, _ value: UInt64) -> Int {
        var d = start
        var v = value
        while v >= 0x80 {
            out[d] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            d += 1
        }
        out[d] = UInt8(v)
        return d + 1
    }
}
