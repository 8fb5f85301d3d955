/// The parts of an absolute `http(s)://` URL that SigV4 and endpoint handling need. Deliberately small: the
/// Timestream client only ever builds `scheme://host[:port]/` URLs, and the signer needs host, path and query.
package struct RequestURL: Equatable, Sendable {
    /// `http` or `https`, lower-cased.
    package var scheme: String
    /// Host as written (a bracketed IPv6 literal keeps its brackets), lower-cased.
    package var host: String
    /// The explicit port, if any.
    var port: Int?
    /// Path as written in the URL (percent-encoding untouched); `/` when the URL has none.
    var path: String
    /// Query string after `?` without the fragment; empty when absent.
    var query: String

    /// The `Host` header value: host, plus `:port` only when it is not the scheme's default
    /// (what HTTP clients send, so what must be signed).
    package var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        return "\(host):\(port)"
    }

    /// `scheme://hostHeader` with no path.
    package var origin: String { "\(scheme)://\(hostHeader)" }

    /// Parses `url`; `nil` when it is not an absolute http/https URL with a host and a valid port. One scan over
    /// the UTF-8 bytes for any text: every delimiter is ASCII, and no byte of a multi-byte character is.
    package init?(_ url: String) {
        var text = url
        guard let parsed = text.withUTF8({ Self(utf8: $0) }) else { return nil }
        self = parsed
    }

    private init?(utf8 url: UnsafeBufferPointer<UInt8>) {
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: url[range]), as: UTF8.self)
        }
        func first(_ byte: UInt8, in range: Range<Int>) -> Int? { range.first { url[$0] == byte } }
        var separator: Int?
        if url.count >= 3 {
            separator = (0...(url.count - 3)).first {
                url[$0] == UInt8(ascii: ":") && url[$0 + 1] == UInt8(ascii: "/") && url[$0 + 2] == UInt8(ascii: "/")
            }
        }
        guard let separator else { return nil }
        let scheme = text(0..<separator).lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let restEnd = first(UInt8(ascii: "#"), in: (separator + 3)..<url.count) ?? url.count
        let rest = (separator + 3)..<restEnd
        let authorityEnd = rest.first { url[$0] == UInt8(ascii: "/") || url[$0] == UInt8(ascii: "?") } ?? restEnd
        var authority = rest.lowerBound..<authorityEnd
        if first(UInt8(ascii: "@"), in: authority) != nil { return nil }  // credentials never travel in URLs here
        var port: Int?
        if let colon = authority.last(where: { url[$0] == UInt8(ascii: ":") }),
            first(UInt8(ascii: "]"), in: colon..<authority.upperBound) == nil
        {
            let digits = (colon + 1)..<authority.upperBound
            guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(url[$0]) }),
                let value = Int(text(digits)), (1...65535).contains(value)
            else {
                return nil
            }
            port = value
            authority = authority.lowerBound..<colon
        }
        guard !authority.isEmpty else { return nil }
        var path = authorityEnd..<restEnd
        var query = restEnd..<restEnd
        if let mark = first(UInt8(ascii: "?"), in: path) {
            query = (mark + 1)..<restEnd
            path = authorityEnd..<mark
        }
        self.scheme = scheme
        self.host = text(authority).lowercased()
        self.port = port
        self.path = path.isEmpty ? "/" : text(path)
        self.query = text(query)
    }
}
