extension HTTPRequest {
    /// Why libcurl must not be given this request, or `nil` when it may. Guards against header injection
    /// (CR/LF inside a name or value would start a new header line) and C-string truncation (NUL).
    var validationProblem: String? {
        if method.isEmpty || !method.utf8.allSatisfy(Self.isTokenByte) {
            return "method \(method.debugDescription) is not an HTTP token"
        }
        if url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            return "URL contains a control character or space"
        }
        for (name, value) in headers {
            if name.isEmpty || !name.utf8.allSatisfy(Self.isTokenByte) {
                return "header name \(name.debugDescription) is not an HTTP token"
            }
            if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
                return "value of header \(name) contains CR, LF or NUL"
            }
        }
        if isHEAD && !body.isEmpty { return "a HEAD request cannot carry a body" }
        return nil
    }

    var isHEAD: Bool { asciiCaseInsensitiveEquals(method, "HEAD") }

    /// Whether the URL's scheme is https (ASCII, any case).
    var isHTTPS: Bool {
        var scheme = url.utf8.prefix(6).makeIterator()
        for expected in "https:".utf8 {
            guard let byte = scheme.next(), byte | 0x20 == expected | 0x20 else { return false }
        }
        return true
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }
}
