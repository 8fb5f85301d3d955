/// A minimal JSON text builder for the few fixed shapes this module emits (error reports, API Gateway
/// responses). Writing by hand keeps byte bodies out of `String` round trips and makes escaping explicit.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func integer(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    /// A JSON string literal, escaped per RFC 8259 §7: `"` and `\` are backslash-escaped, control characters
    /// U+0000…U+001F use their short forms or `\u00XX`; everything else (valid UTF-8 by construction) passes as is.
    mutating func string(_ value: String) {
        bytes.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22, 0x5C: bytes += [0x5C, byte]  // \" and \\
            case 0x0A: bytes += [0x5C, 0x6E]  // \n
            case 0x0D: bytes += [0x5C, 0x72]  // \r
            case 0x09: bytes += [0x5C, 0x74]  // \t
            case 0x08: bytes += [0x5C, 0x62]  // \b
            case 0x0C: bytes += [0x5C, 0x66]  // \f
            case 0x00..<0x20:
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30])  // \u00
                bytes.append(Self.hexDigit(byte >> 4))
                bytes.append(Self.hexDigit(byte & 0x0F))
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    /// A JSON string whose content is already-safe ASCII bytes (base64 text): no escaping needed.
    mutating func asciiString(_ ascii: [UInt8]) {
        bytes.append(0x22)
        bytes.append(contentsOf: ascii)
        bytes.append(0x22)
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10 }
}
