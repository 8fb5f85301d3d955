import Testing

@testable import TextCodecs

@Suite struct JSONWriterTests {
    /// The byte-by-byte rule, and how a JSON string of `bytes` reads (RFC 8259 §7, the writer's short forms).
    static func quoted(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for byte in bytes {
            switch byte {
            case 0x22: out += Array(#"\""#.utf8)
            case 0x5C: out += Array(#"\\"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        return out + [0x22]
    }

    /// The word-at-a-time path against the byte-by-byte rule: every ASCII byte at every position of texts 1 to 40
    /// bytes long (in the words, in the tail, first and last), after other text in the buffer; multi-byte UTF-8
    /// (bytes ≥ 0x80) never escaped.
    @Test func quotedTextMatchesTheByteRule() {
        for length in 1...40 {
            for position in 0..<length {
                for byte in UInt8(0)..<0x80 {
                    var text = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    text[position] = byte
                    var writer = JSONWriter(reservingCapacity: 1)
                    writer.raw("[")
                    text.withUnsafeBufferPointer { writer.string(utf8: $0) }
                    let expected = [UInt8(ascii: "[")] + Self.quoted(text)
                    if writer.bytes != expected { Issue.record("byte \(byte) at \(position) of \(length): \(writer.bytes)") }
                }
                var utf8 = Array("é€😀ü".utf8)
                utf8.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "z"), count: position), at: 0)
                var writer = JSONWriter()
                utf8.withUnsafeBufferPointer { writer.string(utf8: $0) }
                #expect(writer.bytes == Self.quoted(utf8))
            }
        }
    }

    /// Copies of every length from 0 to 200 (words, the overlapping last word, 4-byte halves, bytes, `memcpy`)
    /// land exactly, next to what was written before and after.
    @Test func rawCopiesOfEveryLengthAreExact() {
        let source = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        for length in 0...200 {
            var writer = JSONWriter(reservingCapacity: 1)
            writer.raw("<")
            source.withUnsafeBufferPointer { writer.appendRaw(UnsafeBufferPointer(rebasing: $0[..<length])) }
            writer.raw(">")
            #expect(writer.bytes == [UInt8(ascii: "<")] + source[..<length] + [UInt8(ascii: ">")], "length \(length)")
        }
    }

    @Test func fragmentsValuesAndEscapes() {
        var writer = JSONWriter()
        writer.raw(#"{"s":"#)
        writer.string("a\"b\\c\n\r\t\u{8}\u{C}\u{1}\u{1F}é😀")
        writer.raw(#","i":"#)
        writer.integer(-42)
        writer.raw(#","b":"#)
        writer.bool(true)
        writer.raw(#","a":"#)
        writer.asciiString(Array("QUJD".utf8))
        writer.raw("}")
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == #"{"s":"a\"b\\c\n\r\t\b\f\u0001\u001fé😀","i":-42,"b":true,"a":"QUJD"}"#)
    }

    /// Growing past the reserved capacity keeps what was written.
    @Test func growsBeyondItsReservation() {
        var writer = JSONWriter(reservingCapacity: 1)
        let long = String(repeating: "x", count: 10_000)
        for _ in 0..<5 { writer.string(long) }
        #expect(writer.bytes.count == 5 * 10_002)
    }
}
