import Testing
@testable import TextCodecs

/// `rawString()` hands back a string's bytes in place, or nil (consuming nothing) when `string()` must read it.
@Suite struct JSONScannerRawStringTests {
    /// (range of the raw string or nil, offset after the call, error) for `json`.
    func raw(_ json: String) -> (text: String?, offset: Int, malformed: Bool) {
        Array(json.utf8).withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            do {
                let range = try scanner.rawString()
                return (range.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }, scanner.offset, false)
            } catch {
                return (nil, scanner.offset, true)
            }
        }
    }

    @Test func plainStringsAreReturnedInPlace() {
        #expect(raw(#"  "abc" ,"#) == ("abc", 7, false))
        #expect(raw(#""""#) == ("", 2, false))
        #expect(raw("\"é 中文 🧪\"") == ("é 中文 🧪", "\"é 中文 🧪\"".utf8.count, false))
    }

    @Test func escapesAndNonStringsConsumeNothing() {
        #expect(raw(#" "a\"b""#) == (nil, 0, false))
        #expect(raw(#" "a\u00e9""#) == (nil, 0, false))
        #expect(raw("\"tab\there\"") == (nil, 0, false))  // a raw control byte: string() rejects it
        #expect(raw(#" 5"#) == (nil, 0, false))
        #expect(raw(#""unterminated"#) == (nil, 0, false))
    }

    @Test func invalidUTF8IsMalformed() {
        let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]  // "a", a broken two-byte sequence
        let malformed = bytes.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            do {
                _ = try scanner.rawString()
                return false  // a range, or nil ("fall back to string()"), is not the refusal
            } catch {
                return true
            }
        }
        #expect(malformed)
    }
}
