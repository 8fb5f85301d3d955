@testable import AWS
import Testing

/// `RequestURL` reads any URL text by its UTF-8 bytes: the delimiters are ASCII, so a non-ASCII character next to
/// one (a combining mark after `/`, which a Character would glue to it) never hides it.
@Suite struct RequestURLParserTests {
    @Test(arguments: [
        ("https://ingest-cell1.timestream.us-east-1.amazonaws.com/", "https", "ingest-cell1.timestream.us-east-1.amazonaws.com", nil, "/", ""),
        ("HTTP://UPPER.CASE:0080/Path?Q=1", "http", "upper.case", 80, "/Path", "Q=1"),
        ("https://[::1]:8443", "https", "[::1]", 8443, "/", ""),
        ("https://x.example:443/a?b#c", "https", "x.example", 443, "/a", "b"),
        ("https://h#frag/with?q", "https", "h", nil, "/", ""),
        ("https://bücher.example/ä/\u{301}?q=é", "https", "bücher.example", nil, "/ä/\u{301}", "q=é"),
        ("https://h/a\u{301}?b\u{301}#\u{301}", "https", "h", nil, "/a\u{301}", "b\u{301}"),
    ] as [(String, String, String, Int?, String, String)])
    func parts(url: String, scheme: String, host: String, port: Int?, path: String, query: String) throws {
        let parsed = try #require(RequestURL(url))
        #expect(parsed.scheme == scheme && parsed.host == host && parsed.port == port)
        #expect(Array(parsed.path.utf8) == Array(path.utf8) && Array(parsed.query.utf8) == Array(query.utf8))
    }

    @Test(arguments: [
        "", "://", "https://", "ftp://example.com/", "https://a@b/", "https://:80/", "http://host:/", "https://h:+80/p",
        "https://h:65536/", "https://h:0/", "https:/h/", "https://h:٨٠/", "https://é@h/",
    ])
    func refused(url: String) {
        #expect(RequestURL(url) == nil)
    }
}
