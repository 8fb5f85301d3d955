import Testing

@testable import CurlHTTP

@Suite struct ResponseHeaderLineTests {
    private func parse(_ text: String) -> ResponseHeaderLine {
        Array(text.utf8).withUnsafeBufferPointer { ResponseHeaderLine($0) }
    }

    @Test func fieldsAreTrimmedOnBytes() {
        #expect(parse("Content-Type: application/json\r\n") == .field(name: "Content-Type", value: "application/json"))
        #expect(parse("X-A:\tv  \r\n") == .field(name: "X-A", value: "v"))
        #expect(parse("X-Empty:\r\n") == .field(name: "X-Empty", value: ""))
        #expect(parse("X-Colon: a:b:c\n") == .field(name: "X-Colon", value: "a:b:c"))
    }

    @Test func statusBlankAndFoldedLines() {
        #expect(parse("HTTP/1.1 100 Continue\r\n") == .statusLine)
        #expect(parse("HTTP/2 200\r\n") == .statusLine)
        #expect(parse("\r\n") == .other)
        #expect(parse("") == .other)
        #expect(parse(": no name\r\n") == .other)
        #expect(parse("garbage\r\n") == .other)
        #expect(parse("  folded part\r\n") == .continuation("folded part"))
    }
}
