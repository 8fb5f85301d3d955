import TestSupport
import TextCodecs
import Testing

@testable import LambdaRuntime

@Suite("Base64 against Python's base64 module")
struct Base64Tests {
    @Test(arguments: [0, 1, 2, 3, 4, 5, 255, 256, 257, 4099])
    func encodeAndDecodeMatchPython(length: Int) throws {
        var generator = SplitMix64.forTest()
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let ours = Base64.encode(bytes)
        #expect(String(decoding: ours, as: UTF8.self) == (try OracleJSON.text("b64encode", input: bytes)))
        #expect(try Base64.decode(ours) == bytes)
        #expect(
            try hex(Base64.decode(String(decoding: ours, as: UTF8.self)))
                == (try OracleJSON.text("b64decode", input: ours)))
    }

    @Test func unpaddedInputIsAccepted() throws {
        #expect(try Base64.decode("YWJjZA") == Array("abcd".utf8))
        #expect(try Base64.decode("YWJjZGU") == Array("abcde".utf8))
    }

    @Test(arguments: ["AAEC!!", "YWJj ZA==", "YQ=a", "Y", "YWJjZ", "YWJjZA=", "====", "YW\nJj"])
    func invalidInputIsATypedErrorAsInPython(text: String) throws {
        #expect(throws: Base64.DecodingError.self) { try Base64.decode(text) }
        #expect(try OracleJSON.text("b64decode", input: Array(text.utf8)) == "invalid")
    }
}
