import Testing

@testable import TextCodecs

@Suite struct JSONWriterTests {
    /// The word-at-a-time escape check against the byte-by-byte rule, for every ASCII byte at every position of
    /// texts 1 to 24 bytes long (so in the words and in the tail), next to UTF-8 that must never count.
    @Test func escapeDetectionMatchesTheByteRule() {
        for length in 1...24 {
            for position in 0..<length {
                for byte in UInt8(0)..<0x80 {
                    var text = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    text[position] = byte
                    let expected = byte < 0x20 || byte == 0x22 || byte == 0x5C
                    let found = text.withUnsafeBufferPointer { JSONWriter.needsEscape($0) }
                    if found != expected { Issue.record("byte \(byte) at \(position) of \(length): \(found)") }
                }
                // Bytes of multi-byte UTF-8 (0x80...0xFF) around a clean text: never an escape.
                var utf8 = Array("é€😀ü".utf8)
                utf8.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "z"), count: position), at: 0)
                #expect(!utf8.withUnsafeBufferPointer { JSONWriter.needsEscape($0) })
            }
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
