extension JSONScanner {
    /// The string value that starts here as the range of its UTF-8 in `bytes`, when it has no escapes (then it
    /// is consumed, and validated if not ASCII); nil when it has escapes or is not a string (then nothing is
    /// consumed: `string()` reads it, or throws). Lets a reader keep text in place instead of building a
    /// `String` per value.
    @inlinable public mutating func rawString() throws(Malformed) -> Range<Int>? {
        let start = offset
        guard try peek() == UInt8(ascii: "\"") else {
            offset = start
            return nil
        }
        offset += 1
        let first = offset
        // Eight bytes at a time while none of them is `"`, `\`, a control byte or non-ASCII (SWAR: a byte of
        // `x` is zero iff the high bit of `(x - 0x01…) & ~x` is set for it; below 0x20 likewise with 0x20…).
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while bytes.count - offset >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + offset).loadUnaligned(as: UInt64.self))
            let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
            guard (special | word) & highs == 0 else { break }
            offset += 8
        }
        var highBits: UInt8 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let range = first..<offset
                offset += 1
                if highBits >= 0x80, String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) == nil {
                    throw Malformed(offset: first)
                }
                return range
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            highBits |= byte
            offset += 1
        }
        offset = start
        return nil
    }
}
