/// One line as libcurl's header callback delivers it (status line, field, folded continuation, or the blank
/// line ending a block), parsed on bytes: in Swift `"\r\n"` is a single `Character`, so trimming a `String`
/// character by character would never strip it.
enum ResponseHeaderLine: Equatable {
    /// `HTTP/1.1 200 OK`, `HTTP/2 200`: starts a new header block (after 1xx, or a proxy's CONNECT reply).
    case statusLine
    /// `Name: value`, value without surrounding spaces, tabs and line ending.
    case field(name: String, value: String)
    /// A line starting with space or tab: obsolete folding (RFC 9112 §5.2), continues the previous value.
    case continuation(String)
    /// The empty line ending a block, or a line that is none of the above (ignored).
    case other

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        let line = Self.trimmed(bytes[...])
        guard let first = bytes.first, !line.isEmpty else { self = .other; return }
        if first == 0x20 || first == 0x09 {  // SP / HTAB before trimming
            self = .continuation(String(decoding: line, as: UTF8.self))
        } else if line.starts(with: Self.httpPrefix) {
            self = .statusLine
        } else if let colon = line.firstIndex(of: 0x3A) {  // ':'
            let name = Self.trimmed(line[..<colon])
            let value = Self.trimmed(line[(colon + 1)...])
            self = name.isEmpty
                ? .other
                : .field(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        } else {
            self = .other
        }
    }

    private static let httpPrefix: [UInt8] = Array("HTTP/".utf8)

    /// Drops leading and trailing SP, HTAB, CR and LF.
    private static func trimmed(_ slice: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        var lower = slice.startIndex, upper = slice.endIndex
        while lower < upper, isSpace(slice[lower]) { lower += 1 }
        while upper > lower, isSpace(slice[upper - 1]) { upper -= 1 }
        return slice[lower..<upper]
    }
}
