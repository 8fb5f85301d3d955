/// The bounded raw-block decoder behind `Snappy.decompress`.
/// Element layout: https://github.com/google/snappy/blob/main/format_description.txt §2.
enum SnappyDecoder {
    /// The most output one input byte can yield: a 3-byte copy (tag 10) writes at most 64 bytes.
    /// Used to reject a preamble the rest of the input could never fill, before allocating it.
    static let maxBytesPerInputByte = 22

    static func decode(_ input: UnsafeRawBufferPointer, maxDecodedLength: Int) throws(SnappyError) -> [UInt8] {
        var position = 0
        let declared = try readPreamble(input, &position)
        guard declared <= UInt64(max(maxDecodedLength, 0)) else {
            throw .lengthTooLarge(declared: declared, limit: maxDecodedLength)
        }
        let length = Int(declared)
        // A hostile 20-byte body must not make us allocate megabytes: bound by what the elements can produce.
        guard length <= (input.count - position) * maxBytesPerInputByte else { throw .truncated }
        var failure: SnappyError?
        let output = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            do throws(SnappyError) {
                initialized = try decodeElements(input, from: position, into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return output
    }

    /// Reads the varint preamble (the reference limits it to 32 bits; we accept any value and let the cap decide).
    static func readPreamble(_ input: UnsafeRawBufferPointer, _ position: inout Int) throws(SnappyError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < input.count else { throw .truncated }
            let byte = input[position]
            position += 1
            if shift == 63 && byte > 1 { throw .varintOverflow }
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift > 63 { throw .varintOverflow }
        }
    }

    /// Decodes every element into `output` (exactly the declared length); returns the byte count written.
    private static func decodeElements(
        _ input: UnsafeRawBufferPointer, from start: Int, into output: UnsafeMutableRawBufferPointer
    ) throws(SnappyError) -> Int {
        let inputEnd = input.count
        let outputEnd = output.count
        var inPos = start
        var outPos = 0
        while inPos < inputEnd {
            let tag = input[inPos]
            inPos += 1
            let length: Int
            let offset: Int
            switch tag & 3 {
            case 0:  // literal: length-1 in the tag, or in the next 1...4 little-endian bytes (tag values 60...63)
                var literal = Int(tag >> 2)
                // Fast path: a short literal with 16 bytes of slack on both sides is copied as two words.
                if literal < 16, inputEnd - inPos >= 16, outputEnd - outPos >= 16, literal < inputEnd - inPos {
                    let source = input.baseAddress! + inPos
                    let target = output.baseAddress! + outPos
                    target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    (target + 8).storeBytes(of: (source + 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
                    inPos += literal + 1
                    outPos += literal + 1
                    continue
                }
                if literal >= 60 {
                    let extra = literal - 59
                    guard inputEnd - inPos >= extra else { throw .truncated }
                    literal = 0
                    for i in 0..<extra { literal |= Int(input[inPos + i]) << (8 * i) }
                    inPos += extra
                }
                literal += 1
                guard literal <= inputEnd - inPos else { throw .truncated }
                guard literal <= outputEnd - outPos else { throw .outputOverrun(position: outPos) }
                (output.baseAddress! + outPos).copyMemory(from: input.baseAddress! + inPos, byteCount: literal)
                inPos += literal
                outPos += literal
                continue
            case 1:  // copy, 1-byte offset: 3 offset bits and 3 length bits (4...11) in the tag
                guard inPos < inputEnd else { throw .truncated }
                length = 4 + Int((tag >> 2) & 7)
                offset = Int(tag >> 5) << 8 | Int(input[inPos])
                inPos += 1
            case 2:  // copy, 2-byte little-endian offset, length 1...64
                guard inputEnd - inPos >= 2 else { throw .truncated }
                length = 1 + Int(tag >> 2)
                offset = Int(UInt16(littleEndian: input.loadUnaligned(fromByteOffset: inPos, as: UInt16.self)))
                inPos += 2
            default:  // copy, 4-byte little-endian offset, length 1...64
                guard inputEnd - inPos >= 4 else { throw .truncated }
                length = 1 + Int(tag >> 2)
                offset = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: inPos, as: UInt32.self)))
                inPos += 4
            }
            guard offset > 0, offset <= outPos else { throw .invalidOffset(offset: offset, position: outPos) }
            guard length <= outputEnd - outPos else { throw .outputOverrun(position: outPos) }
            copyBack(output.baseAddress!, at: outPos, offset: offset, length: length, slack: outputEnd - outPos - length)
            outPos += length
        }
        guard outPos == outputEnd else { throw .lengthMismatch(declared: outputEnd, actual: outPos) }
        return outPos
    }

    /// Copies `length` bytes from `offset` bytes back; overlapping copies repeat the pattern (run-length style).
    @inline(__always)
    private static func copyBack(
        _ base: UnsafeMutableRawPointer, at position: Int, offset: Int, length: Int, slack: Int
    ) {
        let target = base + position
        let source = base + (position - offset)
        if offset >= 8 && slack >= 8 {
            // Word copies may write up to 7 bytes past the copy (within the output; later elements overwrite
            // them). With offset ≥ 8 each word reads only bytes already final, so overlapping patterns stay right.
            var done = 0
            while done < length {
                (target + done).storeBytes(of: (source + done).loadUnaligned(as: UInt64.self), as: UInt64.self)
                done += 8
            }
        } else if offset >= length {
            target.copyMemory(from: source, byteCount: length)
        } else if offset >= 8 {
            // Each chunk is at most `offset` long, so source and target of one memcpy never overlap.
            var done = 0
            while done < length {
                let chunk = min(offset, length - done)
                (target + done).copyMemory(from: source + done, byteCount: chunk)
                done += chunk
            }
        } else {
            for i in 0..<length { target.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
        }
    }
}
