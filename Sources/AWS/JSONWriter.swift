/// A small append-only JSON writer for request bodies on the hot path (a 2000-sample remote-write request becomes
/// 20 WriteRecords bodies). Writes straight into a byte buffer; no intermediate dictionaries, no reflection.
/// Strings are escaped per RFC 8259 §7: `"` `\` and U+0000–U+001F escaped, everything else copied as UTF-8.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next member/element needs a leading comma: bit 0 for the innermost open container, one bit
    /// per level (a bit stack instead of an array: no allocation or uniqueness checks on the hot path; our
    /// documents nest 4 deep, far below 64).
    private var needsComma: UInt64 = 0

    init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        needsComma <<= 1
    }

    private mutating func close(_ bracket: UInt8) {
        needsComma >>= 1
        bytes.append(bracket)
    }

    /// `"key":` inside an object; the value written next takes no comma of its own.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }  // keys are our own ASCII constants
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma &= ~1
    }

    /// A string value.
    mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
    }

    /// A number value (JSON has no integer/float distinction).
    mutating func integer(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `"key":"value"`.
    mutating func member(_ key: StaticString, _ value: String) {
        self.key(key)
        string(value)
    }

    /// `"key":value` for integers.
    mutating func member(_ key: StaticString, _ value: Int) {
        self.key(key)
        integer(value)
    }

    private mutating func separate() {
        if needsComma & 1 != 0 { bytes.append(UInt8(ascii: ",")) }
        needsComma |= 1
    }

    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Fast path: most label values need no escaping at all.
            guard utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: bytes.append(UInt8(ascii: "\""))
        case 0x5C: bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: Array("u00".utf8))
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
    }
}
