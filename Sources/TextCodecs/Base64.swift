/// Standard base64 (RFC 4648 §4, `+/`, `=` padding) over byte arrays. API Gateway bodies reach 6 MB, so this
/// works on `[UInt8]` directly instead of going through `Data` and `String` copies.
public enum Base64 {
    /// Why a base64 text was rejected.
    public enum DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A byte outside the alphabet (or misplaced padding) at this offset.
        case invalidCharacter(offset: Int)
        /// The text length (after padding) is not a multiple of 4.
        case invalidLength(Int)

        public var description: String {
            switch self {
            case .invalidCharacter(let offset): "invalid base64 character at offset \(offset)"
            case .invalidLength(let length): "invalid base64 length \(length) (not a multiple of 4)"
            }
        }
    }

    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0xFF marks bytes outside the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Encodes `bytes` as base64 text (ASCII bytes), always padded. Written straight into the output's storage
    /// (a remote-read answer is ~0.5 MB of base64; appending byte by byte checked capacity 4 times per group).
    package static func encode(_ bytes: [UInt8]) -> [UInt8] {
        let count = (bytes.count + 2) / 3 * 4
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            alphabet.withUnsafeBufferPointer { table in
                bytes.withUnsafeBufferPointer { input in
                    var index = 0
                    var written = 0
                    while index + 3 <= input.count {
                        let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                        out[written] = table[Int(chunk >> 18 & 63)]
                        out[written + 1] = table[Int(chunk >> 12 & 63)]
                        out[written + 2] = table[Int(chunk >> 6 & 63)]
                        out[written + 3] = table[Int(chunk & 63)]
                        index += 3
                        written += 4
                    }
                    let rest = input.count - index
                    if rest > 0 {
                        let b0 = UInt32(input[index])
                        let b1 = rest == 2 ? UInt32(input[index + 1]) : 0
                        let chunk = b0 << 16 | b1 << 8
                        out[written] = table[Int(chunk >> 18 & 63)]
                        out[written + 1] = table[Int(chunk >> 12 & 63)]
                        out[written + 2] = rest == 2 ? table[Int(chunk >> 6 & 63)] : 0x3D
                        out[written + 3] = 0x3D
                    }
                }
            }
            initialized = count
        }
    }

    /// Decodes padded or unpadded base64 text. Whitespace is not accepted (API Gateway never inserts any);
    /// non-zero bits in a final partial group are ignored, as Go's `StdEncoding` and Python's `b64decode` do.
    package static func decode(_ text: String) throws(DecodingError) -> [UInt8] {
        var text = text
        // withUTF8/withUnsafeBufferPointer rethrow untyped errors: carry the typed one out as a Result.
        return try text.withUTF8 { buffer in Result { () throws(DecodingError) in try decode(buffer) } }.get()
    }

    /// Decodes base64 text given as ASCII bytes.
    package static func decode(_ text: [UInt8]) throws(DecodingError) -> [UInt8] {
        try text.withUnsafeBufferPointer { buffer in Result { () throws(DecodingError) in try decode(buffer) } }.get()
    }

    private static func decode(_ input: UnsafeBufferPointer<UInt8>) throws(DecodingError) -> [UInt8] {
        // Padding: at most two '=' and only at the end.
        var length = input.count
        var padding = 0
        while padding < 2, length > 0, input[length - 1] == 0x3D {
            padding += 1
            length -= 1
        }
        if length % 4 == 1 || (padding > 0 && input.count % 4 != 0) { throw .invalidLength(input.count) }
        var out = [UInt8]()
        out.reserveCapacity(length / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        var bits = 0
        let badOffset: Int? = decodeTable.withUnsafeBufferPointer { table in
            for offset in 0..<length {
                let value = table[Int(input[offset])]
                if value == 0xFF { return offset }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                }
            }
            return nil
        }
        if let badOffset { throw .invalidCharacter(offset: badOffset) }
        return out
    }
}
